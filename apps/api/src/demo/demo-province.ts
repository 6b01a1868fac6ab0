import { deterministicEventId } from '@junheng/event-store';
import type { AppendRequest, RecordedEvent } from '@junheng/event-store';
import { PROVINCE_SCALES } from '@junheng/synthetic-province';
import type { ProvinceOptions, SyntheticProvince } from '@junheng/synthetic-province';

/**
 * The demo: the `small` province of quality.md (one city, Guangzhou 4401, with districts 440103,
 * 440104 and 440105; 60 schools; about 20,000 students), six school years from 2019 to 2024.
 * The measured school year is fixed at 2024 (2024-09-01 .. 2025-08-31), not taken from the clock:
 * the same figures on every machine and every day, the examples of the docs stay right, and its
 * last fact (31 August 2025) lies in the past, which the deciders require of every fact.
 */
export const DEMO_PROVINCE = {
  seed: 44,
  ...PROVINCE_SCALES.small,
  schoolYear: 2024,
} as const satisfies ProvinceOptions;

/**
 * What `npm start` prints and the README shows: a district of the demo, a month of its measured
 * year with lesson exchanges, and two of the district's schools open on the example's date (a
 * weak town primary school hosting an urban one). demo-province.spec.ts holds them to the province.
 */
export const DEMO_EXAMPLE = {
  district: '440103',
  schoolYear: DEMO_PROVINCE.schoolYear,
  month: '2024-10',
  hostSchoolCode: '4401030027',
  visitingSchoolCode: '4401030003',
  date: '2024-10-15',
} as const;

/**
 * Events per appended batch: one transaction each, about 100 ms on PGlite. PGlite and the
 * projector's callbacks share this thread, so small batches let the projection run beside the
 * load (measured: 5,000 a batch held it back until the whole province was in).
 */
export const DEMO_BATCH_EVENTS = 1_000;

/** The store's idempotency key of one request and its fingerprint (CommandKeys, in the api). */
export type DemoKeyOf = (
  name: string,
  body: unknown,
) => { readonly key: string; readonly fingerprint: string | null };

/** The key name of the demo request whose first event is at `position` of the generated log. */
export function demoKeyName(position: number): string {
  return `province:${DEMO_PROVINCE.seed}:${DEMO_PROVINCE.schoolYear}:${position}`;
}

/**
 * The province's log as append requests, in the generated recording order: each run of
 * consecutive events of one stream is one request, at the version the generator gave it, so a
 * stream someone else wrote to first is a conflict, never a silent interleaving. Each request
 * has its own key (named after its place in the log, bound to its events), so a load stopped
 * half-way is repeated without doubling anything; its events' ids follow the key, as every
 * command's do.
 */
export function demoAppendRequests(province: SyntheticProvince, keyOf: DemoKeyOf): AppendRequest[] {
  const runs: RecordedEvent[][] = [];
  for (const event of province.events) {
    const run = runs.at(-1);
    if (run !== undefined && run[0]!.streamId === event.streamId) run.push(event);
    else runs.push([event]);
  }
  return runs.map((run) => {
    const [first] = run as [RecordedEvent, ...RecordedEvent[]];
    const facts = run.map(({ type, schemaVersion, occurredAt, districtCode, data }) => ({
      type,
      schemaVersion,
      occurredAt,
      districtCode,
      data,
    }));
    const { key, fingerprint } = keyOf(demoKeyName(first.globalPosition), {
      streamId: first.streamId,
      events: facts,
    });
    return {
      streamId: first.streamId,
      streamType: first.streamType,
      expectedVersion: first.streamVersion - 1,
      events: facts.map((fact, index) => ({
        ...fact,
        eventId: deterministicEventId(key, index),
      })),
      metadata: {
        actor: 'system:demo-data',
        actorRole: 'system',
        actorScope: null,
        commandId: key,
        correlationId: 'demo-data',
      },
      idempotencyKey: key,
      ...(fingerprint === null ? {} : { requestFingerprint: fingerprint }),
    };
  });
}

/** The requests in batches of about `events` events (a request is never split). */
export function demoBatches(
  requests: readonly AppendRequest[],
  events: number = DEMO_BATCH_EVENTS,
): AppendRequest[][] {
  const batches: AppendRequest[][] = [];
  let batch: AppendRequest[] = [];
  let size = 0;
  for (const request of requests) {
    batch.push(request);
    size += request.events.length;
    if (size >= events) {
      batches.push(batch);
      batch = [];
      size = 0;
    }
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}
