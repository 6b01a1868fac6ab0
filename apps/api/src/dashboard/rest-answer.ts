import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { currentPrincipal } from '../security/caller-context';
import { formatOrgScope } from '@junheng/identity';
import { toCsv } from '@junheng/platform';
import type { DashboardSession } from './dashboard.service';
import type { Freshness } from './projection-progress';

function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(',')
    .map((tag) => tag.trim())
    .some(
      (tag) => tag === '*' || tag === etag || tag.replace(/^W\//, '') === etag.replace(/^W\//, ''),
    );
}

function freshnessHeaders(response: Response, freshness: Freshness): void {
  response.setHeader('Junheng-Position', String(freshness.globalPosition));
  response.setHeader('Junheng-Transaction', String(freshness.transactionId));
  if (freshness.recordedAt !== null)
    response.setHeader('Junheng-Recorded-At', freshness.recordedAt);
}

/**
 * Answers a dashboard read over REST: waits for `minPosition` if asked, labels the answer with
 * the projection's freshness (headers, and the body's `freshness`), gives it an ETag derived from
 * what the projection has applied — so `If-None-Match` is answered 304 before any figure is
 * computed — and sends JSON or, when the caller accepts `text/csv` first, CSV (`toCsv`: cells a
 * spreadsheet would run as formulas are neutralised).
 */
export async function answerRead<T>(
  request: Request,
  response: Response,
  session: DashboardSession,
  minPosition: number | undefined,
  compute: () => Promise<T>,
  csvRows: (answer: T) => ReadonlyArray<Readonly<Record<string, unknown>>>,
): Promise<void> {
  const state = await session.state(minPosition);
  const csv = request.accepts(['application/json', 'text/csv']) === 'text/csv';
  const principal = currentPrincipal();
  const identity = createHash('sha256')
    .update(request.originalUrl)
    .update(csv ? '\0csv' : '\0json')
    .update(
      principal === undefined ? '' : `\0${principal.role}\0${formatOrgScope(principal.scope)}`,
    )
    .digest('base64url')
    .slice(0, 16);
  const etag = `W/"${state.version}.${identity}"`;
  response.setHeader('ETag', etag);
  response.setHeader('Cache-Control', 'private, no-cache');
  response.setHeader('Vary', 'Accept, Authorization, X-Api-Key');
  freshnessHeaders(response, state.freshness);
  if (etagMatches(request.header('If-None-Match'), etag)) {
    response.status(304).end();
    return;
  }
  const answer = await compute();
  if (csv) {
    response
      .status(200)
      .type('text/csv; charset=utf-8')
      .send(toCsv(csvRows(answer)));
  } else {
    response.status(200).json(answer);
  }
}
