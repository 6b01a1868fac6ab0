import fc from 'fast-check';
import type { JsonSchema } from './json-schema';
import { typesOf } from './json-schema';
import { HOSTILE_KEYS, HOSTILE_NAMES, hostile, hostileNamesFor } from './hostile';

export type Path = readonly (string | number)[];

/**
 * How a schema-valid value is mutated: kept as it is, a field dropped, an unknown key added, or
 * one value (the root too) replaced by a hostile one. Plans name what they do, so a shrunk
 * counterexample reads as a recipe.
 */
export type Plan =
  | { readonly op: 'as-is' }
  | { readonly op: 'drop'; readonly path: Path }
  | { readonly op: 'add'; readonly path: Path; readonly key: string; readonly value: string }
  | { readonly op: 'set'; readonly path: Path; readonly value: string };

interface Paths {
  /** Every value below the root (array items as index 0), with its schema. */
  readonly values: Array<{ readonly path: Path; readonly schema: JsonSchema }>;
  /** Every object, the root among them. */
  readonly objects: Path[];
}

export function pathsOf(schema: JsonSchema, prefix: Path = []): Paths {
  const values: Array<{ path: Path; schema: JsonSchema }> = [];
  const objects: Path[] = [];
  const types = typesOf(schema);
  const below = (child: JsonSchema, path: Path) => {
    values.push({ path, schema: child });
    const nested = pathsOf(child, path);
    values.push(...nested.values);
    objects.push(...nested.objects);
  };
  if (types.includes('object') || schema.properties !== undefined) {
    objects.push(prefix);
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      below(property, [...prefix, name]);
    }
  }
  if (types.includes('array') && schema.items !== undefined) below(schema.items, [...prefix, 0]);
  return { values, objects };
}

/** A schema's JSON types, looking into oneOf / anyOf branches and enums. */
function typesBelow(schema: JsonSchema): string[] {
  const own = [...typesOf(schema)];
  for (const branch of [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])])
    own.push(...typesBelow(branch));
  if (own.length === 0 && schema.enum !== undefined) {
    own.push(
      ...new Set(schema.enum.map((value) => (typeof value === 'number' ? 'number' : 'string'))),
    );
  }
  return own;
}

const looksLikeDate = (schema: JsonSchema): boolean =>
  schema.format === 'date' ||
  schema.format === 'date-time' ||
  (schema.pattern ?? '').includes('\\d{4}-') ||
  [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])].some(looksLikeDate);

/** Hostile values for a field, those that fit its type weighing more. */
export function hostileValueFor(schema: JsonSchema): fc.Arbitrary<string> {
  const groups = hostileNamesFor(typesBelow(schema), looksLikeDate(schema));
  return fc.oneof(
    ...groups.map(({ weight, names }) => ({ weight, arbitrary: fc.constantFrom(...names) })),
  );
}

export interface PlanOptions {
  /** Whether `set` may replace the root itself (a body that is an array, a string, …). */
  readonly replaceRoot: boolean;
  /** Whether `drop` may remove top-level entries (GraphQL arguments). */
  readonly dropTopLevel?: boolean;
  /** Whether `add` may add top-level entries (GraphQL: undeclared variables are ignored). */
  readonly addTopLevel?: boolean;
}

export function planArbitrary(schema: JsonSchema, options: PlanOptions): fc.Arbitrary<Plan> {
  const { values, objects } = pathsOf(schema);
  const droppable = values
    .map(({ path }) => path)
    .filter((path) => path.length > 1 || (options.dropTopLevel ?? true));
  const extendable = objects.filter((path) => path.length > 0 || (options.addTopLevel ?? true));
  const settable = options.replaceRoot ? [{ path: [] as Path, schema }, ...values] : values;
  const choices: Array<fc.WeightedArbitrary<Plan>> = [
    { weight: 5, arbitrary: fc.constant({ op: 'as-is' } as const) },
  ];
  if (settable.length > 0) {
    choices.push({
      weight: 8,
      arbitrary: fc.oneof(
        ...settable.map(({ path, schema: field }) =>
          fc.record({
            op: fc.constant('set' as const),
            path: fc.constant(path),
            value: hostileValueFor(field),
          }),
        ),
      ),
    });
  }
  if (droppable.length > 0) {
    choices.push({
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('drop' as const),
        path: fc.constantFrom(...droppable),
      }),
    });
  }
  if (extendable.length > 0) {
    choices.push({
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('add' as const),
        path: fc.constantFrom(...extendable),
        key: fc.constantFrom(...HOSTILE_KEYS),
        value: fc.oneof(fc.constant('zero'), fc.constantFrom(...HOSTILE_NAMES)),
      }),
    });
  }
  return fc.oneof(...choices);
}

/**
 * The plans every run tries first, for each field: the values the issue names (NUL, a lone
 * surrogate, 100k characters, 1e300, 2^32+1, a far date, a 100,000-level nest), and unknown
 * keys named like Object.prototype's.
 */
export function checklistPlans(schema: JsonSchema, options: PlanOptions): Plan[] {
  const { values, objects } = pathsOf(schema);
  const plans: Plan[] = [];
  for (const { path, schema: field } of values) {
    const types = typesBelow(field);
    const names: string[] = [];
    if (types.includes('string')) {
      names.push('nul-inside', 'lone-surrogate-appended', 'long-100k', 'wrapped-in-array');
    }
    if (types.includes('string') && looksLikeDate(field)) names.push('9999-12-31', '0001-01-01');
    if (types.includes('integer') || types.includes('number'))
      names.push('1e300', '2^32+1', 'one-half', 'NaN-string');
    if (types.includes('boolean')) names.push('number-as-string');
    // Enum values are often looked up in a map: a name Object.prototype has must not be found.
    if (field.enum !== undefined)
      names.push('constructor-as-string', 'proto-as-string', 'toString-as-string');
    names.push(types.includes('string') ? 'zero' : 'empty-string');
    for (const value of names) plans.push({ op: 'set', path, value });
  }
  const first = values[0]?.path;
  if (first !== undefined) plans.push({ op: 'set', path: first, value: 'deep-100k-object (raw)' });
  for (const path of objects.filter(
    (candidate) => candidate.length > 0 || (options.addTopLevel ?? true),
  )) {
    for (const key of ['__proto__', 'constructor', 'toString']) {
      plans.push({ op: 'add', path, key, value: 'zero' });
    }
  }
  if (options.replaceRoot) plans.push({ op: 'set', path: [], value: 'deep-100k-array (raw)' });
  return plans;
}

/** Defines an own property, `__proto__` included (plain assignment would set the prototype). */
export function setOwn(target: object, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** A deep copy that keeps every own key, `__proto__` among them. */
export function cloneOwn<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => cloneOwn(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  // Plain objects only (fast-check's records have no prototype); RawJson stays as it is.
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== null && prototype !== Object.prototype) return value;
  const copy = {};
  for (const key of Object.keys(value))
    setOwn(copy, key, cloneOwn((value as Record<string, unknown>)[key]));
  return copy as T;
}

function childOf(container: unknown, key: string | number): unknown {
  if (container === null || typeof container !== 'object') return undefined;
  return Object.prototype.hasOwnProperty.call(container, key)
    ? (container as Record<string | number, unknown>)[key]
    : undefined;
}

/** The valid value with the plan applied (a new value; the valid one is left alone). */
export function applyPlan(valid: unknown, plan: Plan): unknown {
  if (plan.op === 'as-is') return cloneOwn(valid);
  const root: unknown = cloneOwn(valid);
  const path = plan.path;
  if (plan.op === 'set' && path.length === 0) return hostile(plan.value, root);
  // Walk to the parent of the target, creating containers that an optional field left out.
  const holder = { root };
  let parent: object = holder;
  let key: string | number = 'root';
  for (const step of path) {
    let next = childOf(parent, key);
    if (next === null || typeof next !== 'object') {
      next = typeof step === 'number' ? [] : {};
      setOwn(parent, key, next);
    }
    parent = next as object;
    key = step;
  }
  switch (plan.op) {
    case 'drop':
      if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
      else delete (parent as Record<string | number, unknown>)[key];
      break;
    case 'set':
      setOwn(parent, key, hostile(plan.value, childOf(parent, key)));
      break;
    case 'add': {
      let target = childOf(parent, key);
      if (target === null || typeof target !== 'object' || Array.isArray(target)) {
        target = {};
        setOwn(parent, key, target);
      }
      setOwn(target as object, plan.key, hostile(plan.value, undefined));
      break;
    }
  }
  return holder.root;
}
