/**
 * A command that breaks a rule of domain.md. `rule` is stable (it becomes part of the problem
 * type a clerk's software can branch on); `facts` are the values that broke it. `nature` says
 * whether the command itself is wrong (`invalid`, 422) or only the current state refuses it
 * and the same command may succeed later (`conflict`, 409: a budget that is used up).
 */
export class DomainRuleViolation extends Error {
  constructor(
    readonly rule: string,
    message: string,
    readonly facts: Readonly<Record<string, string | number | boolean | null>> = {},
    readonly nature: 'invalid' | 'conflict' = 'invalid',
  ) {
    super(message);
    this.name = 'DomainRuleViolation';
  }
}
