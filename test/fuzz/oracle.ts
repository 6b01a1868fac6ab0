/** One HTTP request as the suite sends it: bytes, not objects, so nothing gets "fixed" on the way. */
export interface WireRequest {
  readonly method: string;
  /** Path and query string, already encoded (hostile percent-escapes stay as they are). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
  /** The route answers text/event-stream: read its head, then hang up. */
  readonly streams?: boolean;
}

export interface WireAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
  readonly elapsedMs: number;
}

/** How long one request may take (a read with an unreachable minPosition waits its timeout). */
export const REQUEST_TIMEOUT_MS = 15_000;
const STREAM_HEAD_MS = 3_000;

/** Sends a request and reads the answer; null when nothing came back in time. */
export async function exchange(baseUrl: string, request: WireRequest): Promise<WireAnswer | null> {
  const started = Date.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    const response = await fetch(`${baseUrl}${request.url}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: controller.signal,
    });
    const headers = Object.fromEntries(response.headers.entries());
    let text: string;
    if (
      request.streams === true &&
      (headers['content-type'] ?? '').startsWith('text/event-stream')
    ) {
      text = await streamHead(response, controller);
    } else {
      text = Buffer.from(await response.arrayBuffer()).toString('utf8');
    }
    return { status: response.status, headers, text, elapsedMs: Date.now() - started };
  } catch (error) {
    if (controller.signal.aborted) return null;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** The first event of a stream (or what came within a few seconds); then the caller hangs up. */
async function streamHead(response: Response, controller: AbortController): Promise<string> {
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + STREAM_HEAD_MS;
  try {
    while (Date.now() < deadline && !/\nevent: scorecard\ndata: .*\n\n/.test(text)) {
      const chunk = await Promise.race([
        reader.read(),
        new Promise<null>((done) =>
          setTimeout(() => done(null), Math.max(deadline - Date.now(), 1)),
        ),
      ]);
      if (chunk === null || chunk.done) break;
      text += decoder.decode(chunk.value as Uint8Array, { stream: true });
    }
  } finally {
    controller.abort();
    await reader.cancel().catch(() => undefined);
  }
  return text;
}

/** The event store as the properties see it. */
export interface StoreState {
  readonly events: number;
  readonly head: number;
}

/** What a request was, as far as the properties need to know. */
export interface Expectation {
  readonly transport: 'rest' | 'graphql';
  /** A GET or a GraphQL query: appends nothing, whatever the answer. */
  readonly read: boolean;
  /** The request breaks its documented schema (body, header, variables): it must be refused. */
  readonly breaksSchema: boolean;
  /** Its body has a media type the route does not take: 415 Unsupported Media Type. */
  readonly unsupportedMedia: boolean;
  /** The minPosition asked for: a number, `unreadable`, or null when none was asked for. */
  readonly minPosition: number | 'unreadable' | null;
  /** Forms of the personal identifiers the request carried (see identifierForms). */
  readonly personalForms: readonly string[];
  /** For imports: NDJSON rows that break their schema (1-based), which must be rejected rows. */
  readonly schemaBreakingRows?: readonly number[];
  readonly isImport?: boolean;
}

export interface Violation {
  /** The property broken, a stable name (for deduplication). */
  readonly property: string;
  readonly detail: string;
}

export const PROPERTIES = {
  answers: 'answers within the time limit',
  no5xx: 'never a 5xx',
  problemJson: 'every 4xx is application/problem+json',
  problemType: 'every problem has a type urn:junheng:problem:*',
  graphqlProblem: 'every GraphQL error carries extensions.problem',
  nothingOnRejection: 'nothing appended on rejection',
  readsAppendNothing: 'reads append nothing',
  schemaRefused: 'a request breaking its schema is refused',
  unsupportedMedia: 'a body of the wrong media type answers 415',
  noIdentifier: 'no raw personal identifier in the answer',
  importCounts: 'an import appends exactly its accepted rows',
  importRows: 'a row breaking its schema is a rejected row',
} as const;

const PROBLEM_PREFIX = 'urn:junheng:problem:';
const PROJECTION_BEHIND = 'urn:junheng:problem:projection-behind';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const excerpt = (text: string, length = 300) =>
  text.length <= length ? text : `${text.slice(0, length)}… (${text.length} characters)`;

interface Problem {
  readonly type?: unknown;
  readonly status?: unknown;
}

/**
 * A 503 "projection-behind" is how read-your-writes says "not yet" (docs/api.md): allowed for a
 * position the event store has reached. For one it never reached (1e300), no wait can help.
 */
function waitingIsLegitimate(
  problem: Problem,
  expectation: Expectation,
  store: StoreState,
): boolean {
  return (
    problem.type === PROJECTION_BEHIND &&
    typeof expectation.minPosition === 'number' &&
    expectation.minPosition <= store.head
  );
}

/** Every property the answer to one request breaks. */
export function violations(
  expectation: Expectation,
  answer: WireAnswer | null,
  before: StoreState,
  after: StoreState,
): Violation[] {
  if (answer === null) {
    return [{ property: PROPERTIES.answers, detail: 'no answer' }];
  }
  const found: Violation[] = [];
  const appended = after.events - before.events;
  const body = parseJson(answer.text);
  let rejected: boolean;

  if (expectation.transport === 'rest') {
    rejected = answer.status >= 400;
    const problem = (body ?? {}) as Problem;
    if (answer.status >= 500 && !waitingIsLegitimate(problem, expectation, before)) {
      found.push({
        property: PROPERTIES.no5xx,
        detail: `${answer.status} ${typeof problem.type === 'string' ? problem.type : excerpt(answer.text, 120)}`,
      });
    }
    if (answer.status >= 400 && answer.status < 500) {
      const contentType = answer.headers['content-type'] ?? '(none)';
      if (!contentType.startsWith('application/problem+json')) {
        found.push({
          property: PROPERTIES.problemJson,
          detail: `${answer.status} ${contentType}: ${excerpt(answer.text, 120)}`,
        });
      } else if (typeof problem.type !== 'string' || !problem.type.startsWith(PROBLEM_PREFIX)) {
        found.push({
          property: PROPERTIES.problemType,
          detail: `${answer.status} ${excerpt(answer.text, 120)}`,
        });
      }
    }
  } else {
    const errors =
      body !== null &&
      typeof body === 'object' &&
      Array.isArray((body as { errors?: unknown }).errors)
        ? ((body as { errors: unknown[] }).errors as Array<{
            message?: unknown;
            extensions?: { problem?: Problem; code?: unknown };
          }>)
        : [];
    rejected = answer.status >= 400 || errors.length > 0;
    if (answer.status >= 500) {
      found.push({
        property: PROPERTIES.no5xx,
        detail: `HTTP ${answer.status}: ${excerpt(answer.text, 160)}`,
      });
    }
    if (body === undefined) {
      found.push({
        property: PROPERTIES.graphqlProblem,
        detail: `HTTP ${answer.status}, not JSON: ${excerpt(answer.text, 120)}`,
      });
    } else if (answer.status >= 400 && errors.length === 0) {
      // A body that never became an operation (unreadable, the wrong media type) is refused
      // like any REST body: a problem document.
      const problem = body as Problem;
      const contentType = answer.headers['content-type'] ?? '(none)';
      if (
        !contentType.startsWith('application/problem+json') ||
        typeof problem.type !== 'string' ||
        !problem.type.startsWith(PROBLEM_PREFIX)
      ) {
        found.push({
          property: PROPERTIES.graphqlProblem,
          detail: `HTTP ${answer.status} ${contentType} without errors: ${excerpt(answer.text, 120)}`,
        });
      }
    }
    for (const error of errors) {
      const problem = error.extensions?.problem;
      if (problem === undefined || problem === null || typeof problem !== 'object') {
        found.push({
          property: PROPERTIES.graphqlProblem,
          detail: `HTTP ${answer.status}, ${JSON.stringify(error.extensions?.code ?? 'no code')}: ${excerpt(String(error.message), 140)}`,
        });
        continue;
      }
      if (typeof problem.type !== 'string' || !problem.type.startsWith(PROBLEM_PREFIX)) {
        found.push({
          property: PROPERTIES.problemType,
          detail: excerpt(JSON.stringify(problem), 140),
        });
      }
      if (
        typeof problem.status === 'number' &&
        problem.status >= 500 &&
        !waitingIsLegitimate(problem, expectation, before)
      ) {
        found.push({
          property: PROPERTIES.no5xx,
          detail: `problem ${problem.status} ${String(problem.type)} (HTTP ${answer.status})`,
        });
      }
    }
  }

  if (expectation.read && appended !== 0) {
    found.push({ property: PROPERTIES.readsAppendNothing, detail: `${appended} events appended` });
  } else if (rejected && appended !== 0) {
    found.push({
      property: PROPERTIES.nothingOnRejection,
      detail: `${answer.status}, yet ${appended} events appended`,
    });
  }
  if (expectation.breaksSchema && !rejected) {
    found.push({
      property: PROPERTIES.schemaRefused,
      detail: `answered ${answer.status}: ${excerpt(answer.text, 160)}`,
    });
  }
  if (expectation.unsupportedMedia && answer.status !== 415) {
    found.push({ property: PROPERTIES.unsupportedMedia, detail: `answered ${answer.status}` });
  }

  const haystack = `${answer.text}\n${Object.values(answer.headers).join('\n')}`.toLowerCase();
  const leaked = expectation.personalForms.filter((form) => haystack.includes(form));
  if (leaked.length > 0) {
    found.push({
      property: PROPERTIES.noIdentifier,
      detail: `the answer holds ${leaked.join(', ')}`,
    });
  }

  if (expectation.isImport === true && answer.status === 200 && body !== undefined) {
    const report = body as { accepted?: unknown; errors?: Array<{ row?: unknown }> };
    const accepted = typeof report.accepted === 'number' ? report.accepted : -1;
    if ((accepted === 0 && appended !== 0) || (accepted > 0 && appended === 0)) {
      found.push({
        property: PROPERTIES.importCounts,
        detail: `report says ${accepted} accepted, ${appended} events appended`,
      });
    }
    const rejectedRows = new Set((report.errors ?? []).map((error) => error.row));
    const missed = (expectation.schemaBreakingRows ?? []).filter((row) => !rejectedRows.has(row));
    if (missed.length > 0) {
      found.push({
        property: PROPERTIES.importRows,
        detail: `rows ${missed.join(', ')} were not rejected`,
      });
    }
  }
  return found;
}

/** A request and its answer, briefly, for a failure message. */
export function describeExchange(request: WireRequest, answer: WireAnswer | null): string {
  const body = request.body === undefined ? '' : excerpt(request.body.toString('utf8'), 400);
  const head = `${request.method} ${excerpt(request.url, 200)} [${request.headers['content-type'] ?? 'no content type'}]`;
  const reply =
    answer === null
      ? 'no answer'
      : `${answer.status} ${answer.headers['content-type'] ?? ''} ${excerpt(answer.text, 400)}`;
  return `${head}\n  body: ${body}\n  answer: ${reply}`;
}
