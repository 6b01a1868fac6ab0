import type { OrgScope } from './org-scope';
import type { Role } from './roles';

/** The authenticated caller. `subject` names a person or a machine client, never a student. */
export interface Principal {
  readonly subject: string;
  readonly role: Role;
  readonly scope: OrgScope;
  readonly via: 'jwt' | 'api-key';
  /**
   * When the credential stops being valid: a JWT's `exp`. API keys do not expire (undefined);
   * they are revoked instead, and `apiKeyId` lets a long-lived answer (a live stream) check that.
   */
  readonly expiresAt?: Date;
  /** The id of the API key the caller presented (API keys only). */
  readonly apiKeyId?: string;
}
