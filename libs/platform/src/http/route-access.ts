import { SetMetadata } from '@nestjs/common';

/** Route metadata: the permission a route requires, or ANONYMOUS. */
export const ROUTE_ACCESS_KEY = 'junheng:route-access';
export const ANONYMOUS = 'anonymous';

/** Only health and metrics may say this; every other route declares a permission. */
export const Anonymous = () => SetMetadata(ROUTE_ACCESS_KEY, ANONYMOUS);
