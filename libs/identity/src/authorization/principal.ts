import type { OrgScope } from './org-scope';
import type { Role } from './roles';

/** The authenticated caller. `subject` names a person or a machine client, never a student. */
export interface Principal {
  readonly subject: string;
  readonly role: Role;
  readonly scope: OrgScope;
  readonly via: 'jwt' | 'api-key';
}
