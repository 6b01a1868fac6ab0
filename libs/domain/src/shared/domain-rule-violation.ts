/**
 * A command that breaks a rule of domain.md. `rule` is stable (it becomes part of the problem
 * type a clerk's software can branch on); `facts` are the values that broke it.
 */
export class DomainRuleViolation extends Error {
  constructor(
    readonly rule: string,
    message: string,
    readonly facts: Readonly<Record<string, string | number | boolean | null>> = {},
  ) {
    super(message);
    this.name = 'DomainRuleViolation';
  }
}
