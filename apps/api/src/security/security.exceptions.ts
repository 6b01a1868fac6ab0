/** No credentials, or credentials that do not hold (401). */
export class UnauthenticatedException extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UnauthenticatedException';
  }
}

/** An authenticated caller without the permission, or acting outside its scope (403). */
export class AccessDeniedException extends Error {
  constructor(
    readonly reason: 'missing-permission' | 'undeclared-permission',
    message: string,
    readonly facts: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'AccessDeniedException';
  }
}

/** Too many failed authentications from this client address: refused unread (429). */
export class AuthenticationThrottledException extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('Too many failed authentications from this address');
    this.name = 'AuthenticationThrottledException';
  }
}
