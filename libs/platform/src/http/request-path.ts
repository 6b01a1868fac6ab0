/**
 * What a log line or an audit entry may say about a request's path. URLs reach proxies, logs and
 * the audit trail, and a caller can put anything in one — an ID number in
 * `/v1/teacher-rotations/44031119770707313X` — so no raw path is ever written down:
 *
 * - a matched route is written as its template (`/v1/areas/:code/scorecard`) with its
 *   parameters, each kept only when it has the shape of a public value (an administrative or a
 *   school code, an indicator's name) and otherwise replaced by its `:name`;
 * - an unmatched path keeps only the segments that are literal segments of some registered
 *   route (`v1`, `teacher-rotations`, …) and replaces every other one with `:unmatched`. The
 *   vocabulary comes from the application's router, not from a guess at what an ID looks like.
 */

/** Every segment of an unmatched path that no registered route spells out. */
export const UNMATCHED_SEGMENT = ':unmatched';

/**
 * Public parameter values: 2-, 4- and 6-digit administrative codes, 10-digit school codes, and
 * names in lower-case words joined by `-` (indicators). An ID number (15 or 18 characters), a
 * 学籍号 or anything else in a parameter's place is not one of them.
 */
const PUBLIC_VALUE = /^(?:\d{2}|\d{4}|\d{6}|\d{10}|[a-z]{1,40}(?:-[a-z0-9]{1,40}){0,8})$/;

/** The parts of an Express request these functions read (the raw request behind a log line). */
export interface RoutedRequest {
  readonly originalUrl?: string;
  readonly url?: string;
  readonly baseUrl?: string;
  readonly route?: { readonly path?: unknown };
  readonly params?: unknown;
  readonly app?: { readonly router?: unknown; readonly _router?: unknown };
}

export interface SafePath {
  /** The matched route's template, or the unmatched path with its unknown segments replaced. */
  readonly route: string;
  /** Whether a registered route matched. */
  readonly matched: boolean;
  /** A matched route's parameters, public values only (others are `:name`). */
  readonly params: Readonly<Record<string, string>>;
  /** The template with the public parameters filled in (the unmatched form when unmatched). */
  readonly path: string;
}

function pathOf(request: RoutedRequest): string {
  const url = request.originalUrl ?? request.url ?? '/';
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

const isLiteral = (segment: string): boolean => segment !== '' && !/[:*?+(){}[\]\\]/.test(segment);

interface Layer {
  readonly route?: { readonly path?: unknown };
  readonly rawPath?: unknown;
  readonly handle?: { readonly stack?: unknown };
}

function collect(stack: unknown, into: Set<string>, depth = 0): void {
  if (!Array.isArray(stack) || depth > 8) return;
  for (const layer of stack as Layer[]) {
    const paths = [layer.route?.path, layer.rawPath].flat(Infinity as 1);
    for (const path of paths) {
      if (typeof path !== 'string') continue;
      for (const segment of path.split('/')) if (isLiteral(segment)) into.add(segment);
    }
    // A mounted router's own routes.
    if (layer.route === undefined) collect(layer.handle?.stack, into, depth + 1);
  }
}

const vocabularies = new WeakMap<object, { size: number; literals: ReadonlySet<string> }>();

/** The literal segments of every route registered on the request's application. */
export function routeVocabulary(request: RoutedRequest): ReadonlySet<string> {
  const router = (request.app?.router ?? request.app?._router) as
    { readonly stack?: unknown } | undefined;
  const stack = router?.stack;
  if (router === undefined || !Array.isArray(stack)) return new Set();
  const cached = vocabularies.get(router);
  if (cached !== undefined && cached.size === stack.length) return cached.literals;
  const literals = new Set<string>();
  collect(stack, literals);
  vocabularies.set(router, { size: stack.length, literals });
  return literals;
}

/** `path` with every segment that is not a literal of `vocabulary` replaced by `:unmatched`. */
export function redactUnmatchedPath(path: string, vocabulary: ReadonlySet<string>): string {
  return path
    .split('/')
    .map((segment) => (segment === '' || vocabulary.has(segment) ? segment : UNMATCHED_SEGMENT))
    .join('/');
}

/** Whether a parameter's value may be written down as it is. */
export function isPublicParameter(value: string): boolean {
  return PUBLIC_VALUE.test(value);
}

/**
 * A route template that names a request: literal and `:name` segments only. A wildcard
 * (`/{*path}` — Nest registers middleware for every route so, and the request keeps that route
 * when no handler matches) or an optional part says nothing of what the path held.
 */
function isTemplate(path: unknown): path is string {
  return (
    typeof path === 'string' &&
    path
      .split('/')
      .every((segment) => segment === '' || isLiteral(segment) || /^:\w+$/.test(segment))
  );
}

/** What may be logged or audited of a request's path (see the top of this file). */
export function safePathOf(request: RoutedRequest): SafePath {
  const template = request.route?.path;
  if (!isTemplate(template)) {
    const redacted = redactUnmatchedPath(pathOf(request), routeVocabulary(request));
    return { route: redacted, matched: false, params: {}, path: redacted };
  }
  const route = `${request.baseUrl ?? ''}${template}`;
  const given =
    typeof request.params === 'object' && request.params !== null
      ? (request.params as Record<string, unknown>)
      : {};
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (typeof value !== 'string') continue;
    params[name] = isPublicParameter(value) ? value : `:${name}`;
  }
  const path = route
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment;
      const name = segment.slice(1);
      return params[name] ?? segment;
    })
    .join('/');
  return { route, matched: true, params, path };
}
