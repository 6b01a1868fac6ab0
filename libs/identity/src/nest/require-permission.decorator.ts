import { SetMetadata } from '@nestjs/common';
import { ROUTE_ACCESS_KEY } from '@junheng/platform';
import type { Permission } from '../authorization/permissions';

/** Every route declares what it needs; a route without a declaration is refused to everyone. */
export const RequirePermission = (permission: Permission) =>
  SetMetadata(ROUTE_ACCESS_KEY, permission);
