/**
 * Canonical JSON text of a parsed value: object keys sorted at every level, so equal requests
 * give equal text whatever order their fields came in. Iterative, so no depth can overflow the
 * stack (the edge bounds depth anyway; this must never be the thing that fails).
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  // A stack of pending work: a value to write, or literal text (separators, closers).
  const stack: Array<{ value: unknown } | { text: string }> = [{ value }];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if ('text' in next) {
      out.push(next.text);
      continue;
    }
    const current = next.value;
    if (Array.isArray(current)) {
      const items: Array<{ value: unknown } | { text: string }> = [{ text: '[' }];
      current.forEach((item: unknown, index) => {
        if (index > 0) items.push({ text: ',' });
        items.push({ value: item });
      });
      items.push({ text: ']' });
      for (let index = items.length - 1; index >= 0; index -= 1) stack.push(items[index]!);
      continue;
    }
    if (typeof current === 'object' && current !== null) {
      const entries = Object.keys(current)
        .sort()
        .map((key) => [key, (current as Record<string, unknown>)[key]] as const)
        .filter(([, item]) => item !== undefined);
      const items: Array<{ value: unknown } | { text: string }> = [{ text: '{' }];
      entries.forEach(([key, item], index) => {
        items.push({ text: `${index > 0 ? ',' : ''}${JSON.stringify(key)}:` });
        items.push({ value: item });
      });
      items.push({ text: '}' });
      for (let index = items.length - 1; index >= 0; index -= 1) stack.push(items[index]!);
      continue;
    }
    out.push(JSON.stringify(current) ?? 'null');
  }
  return out.join('');
}
