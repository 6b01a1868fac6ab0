type Step = readonly ['value', unknown] | readonly ['text', string] | readonly ['leave', object];

/**
 * Canonical JSON (keys sorted at every level), so equal values give equal text whatever order
 * their fields came in: the audit trail's parameter digests and idempotency fingerprints.
 * Iterative: a body nested 100,000 deep is canonicalised like any other (a recursive walk would
 * overflow the stack and lose the attempt's audit entry). A value that contains itself is written
 * `"[circular]"` where it recurs.
 */
export function canonicalJson(root: unknown): string {
  const out: string[] = [];
  const open = new Set<object>();
  const steps: Step[] = [['value', root]];
  for (let step = steps.pop(); step !== undefined; step = steps.pop()) {
    if (step[0] === 'text') {
      out.push(step[1]);
      continue;
    }
    if (step[0] === 'leave') {
      open.delete(step[1]);
      continue;
    }
    const value = step[1];
    if (typeof value !== 'object' || value === null) {
      out.push(JSON.stringify(value) ?? 'null');
      continue;
    }
    if (open.has(value)) {
      out.push('"[circular]"');
      continue;
    }
    open.add(value);
    // Pushed in reverse: the stack hands them back in order.
    const parts: Step[] = [];
    if (Array.isArray(value)) {
      parts.push(['text', '[']);
      for (let index = 0; index < value.length; index += 1) {
        if (index > 0) parts.push(['text', ',']);
        if (index in value) parts.push(['value', value[index]]);
      }
      parts.push(['text', ']']);
    } else {
      const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
        a < b ? -1 : 1,
      );
      parts.push(['text', '{']);
      entries.forEach(([key, item], index) => {
        parts.push(['text', `${index > 0 ? ',' : ''}${JSON.stringify(key)}:`]);
        parts.push(['value', item]);
      });
      parts.push(['text', '}']);
    }
    parts.push(['leave', value]);
    for (let index = parts.length - 1; index >= 0; index -= 1) steps.push(parts[index]!);
  }
  return out.join('');
}
