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
