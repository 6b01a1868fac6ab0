/**
 * ClickHouse `{name:Type}` parameters written into the statement as typed literals, for chDB.
 *
 * Why not the engine's own binding: the chdb binding runs every parameterised statement of the
 * process one at a time, whatever connection it is on (libchdb sets and clears a statement's
 * parameters on state shared by its connections: chdb's index.js, `globalParamChain`), while
 * statements without parameters run side by side. A dashboard's reads are parameterised, so
 * on chDB they would queue behind each other however many connections the client keeps.
 *
 * Safe by construction rather than by filtering: every value becomes `CAST(<literal> AS Type)`,
 * the literal a number, a quoted string (backslash and quote escaped, so it cannot end early),
 * or an array of those; the type is the statement's own text, never the caller's. An
 * `Identifier` must be a plain identifier and is written back-quoted. A value of another kind,
 * a placeholder without a value, or a number that is not finite is refused. A server keeps the
 * engine's own binding.
 */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*):([^{}]+)\}/g;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function inlineParameters(
  sql: string,
  parameters: Readonly<Record<string, unknown>>,
): string {
  return sql.replace(PLACEHOLDER, (_placeholder, name: string, type: string) => {
    if (!Object.hasOwn(parameters, name))
      throw new TypeError(`Query parameter "${name}" has no value`);
    const value = parameters[name];
    if (type.trim() === 'Identifier') {
      if (typeof value !== 'string' || !IDENTIFIER.test(value))
        throw new TypeError(`Query parameter "${name}" is not an identifier`);
      return `\`${value}\``;
    }
    return `CAST(${literalOf(value, name)} AS ${type.trim()})`;
  });
}

function literalOf(value: unknown, name: string): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Query parameter "${name}" is not finite`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value === null) return 'NULL';
  if (Array.isArray(value)) return `[${value.map((item) => literalOf(item, name)).join(', ')}]`;
  throw new TypeError(`Query parameter "${name}" is neither a string, a number nor an array`);
}
