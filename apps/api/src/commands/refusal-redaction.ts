import { DomainRuleViolation } from '@junheng/domain';
import {
  ScopeViolation,
  formatOrgScope,
  scopeCoversDistrict,
  scopeCoversOrgUnit,
  scopeCoversSchool,
} from '@junheng/identity';
import type { Principal } from '@junheng/identity';

/**
 * An org unit a refusal may speak about: a school of a district, a whole district, or an org
 * unit by its code (a programme's owner: province, city or district).
 */
export type OrgUnitRef =
  | { readonly districtCode: string | null; readonly schoolCode?: string | null }
  | { readonly orgCode: string };

function covers(caller: Principal, unit: OrgUnitRef): boolean {
  if ('orgCode' in unit) return scopeCoversOrgUnit(caller.scope, unit.orgCode);
  const { districtCode, schoolCode } = unit;
  if (districtCode === null) return false;
  return schoolCode === undefined || schoolCode === null
    ? scopeCoversDistrict(caller.scope, districtCode)
    : scopeCoversSchool(caller.scope, districtCode, schoolCode);
}

/**
 * Whether the caller is a stranger to a record held by `units`: it holds none of them. A party
 * to the record (the school a student is at, either school of a pairing, the county a school
 * belonged to) may hear what the record says; a stranger hears only the rule.
 */
export function strangerTo(caller: Principal, units: readonly OrgUnitRef[]): boolean {
  return units.length > 0 && !units.some((unit) => covers(caller, unit));
}

/** The one refusal a stranger to a record gets for anything the record itself refuses. */
export const HELD_ELSEWHERE = 'record.held-elsewhere';

/**
 * What a caller who holds no unit of a record hears when a command about it is refused.
 * `againstBlank` makes the same decision against a record that does not exist: when it is
 * refused by the same rule, the refusal is about the request (a real date, a valid grade) and
 * is said with only the facts the caller sent; otherwise it comes from the record, and the
 * caller hears `record.held-elsewhere` and nothing more (not which rule, which would tell a
 * dropout from a death, nor a date, which bisection would find). A scope refusal (403) stays
 * one, with only what the caller sent.
 */
export function refusalToStranger(
  refusal: DomainRuleViolation | ScopeViolation,
  request: unknown,
  caller: Principal,
  againstBlank: () => unknown,
): DomainRuleViolation | ScopeViolation {
  // "Not yours to change" (403) says nothing of the record beyond that another unit holds it,
  // which held-elsewhere would say as well: it stays, with only what the caller sent.
  if (refusal instanceof ScopeViolation) return redactRefusal(refusal, request, caller);
  try {
    againstBlank();
  } catch (blank) {
    if (blank instanceof DomainRuleViolation && blank.rule === refusal.rule) {
      return redactRefusal(refusal, request, caller);
    }
  }
  return new DomainRuleViolation(
    HELD_ELSEWHERE,
    'The record this command is about is held by a unit outside your scope: its county, or a unit holding both, reports this',
    {},
    'conflict',
  );
}

/**
 * Runs a check whose refusal is built from the record `units` hold: when the caller holds none
 * of them, the refusal reaching it is the one of `refusalToStranger`.
 */
export async function refusingWithinScope<T>(
  caller: Principal | null,
  units: () => readonly OrgUnitRef[],
  request: unknown,
  check: () => T | Promise<T>,
  againstBlank: () => unknown,
): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if (
      caller === null ||
      !(error instanceof DomainRuleViolation || error instanceof ScopeViolation) ||
      !strangerTo(caller, units())
    ) {
      throw error;
    }
    throw refusalToStranger(error, request, caller, againstBlank);
  }
}

/**
 * The refusal as a caller outside the units behind it may see it: the rule's name (so its
 * software can branch on it) and the facts the caller sent itself — nothing read from records
 * it may not read (quality.md: a refusal never names a school, student or teacher outside the
 * caller's scope).
 */
export function redactRefusal(
  refusal: DomainRuleViolation | ScopeViolation,
  request: unknown,
  caller: Principal,
): DomainRuleViolation | ScopeViolation {
  const sent = valuesSent(request);
  const echoed = <T>(facts: Readonly<Record<string, T>>): Record<string, T> =>
    Object.fromEntries(
      Object.entries(facts).filter(([, value]) => value === null || sent.has(value)),
    );
  if (refusal instanceof ScopeViolation) {
    return new ScopeViolation('The record this command changes is outside your scope', {
      ...echoed(refusal.facts),
      scope: formatOrgScope(caller.scope),
    });
  }
  return new DomainRuleViolation(
    refusal.rule,
    `The current facts refuse this command (${refusal.rule}); the records behind it are outside your scope`,
    echoed(refusal.facts),
    refusal.nature,
  );
}

/** Every value the caller's request carried, at any depth. */
function valuesSent(request: unknown): Set<unknown> {
  const values = new Set<unknown>();
  const pending: unknown[] = [request];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object') values.add(value);
    else if (value !== null) pending.push(...(Object.values(value) as unknown[]));
  }
  return values;
}
