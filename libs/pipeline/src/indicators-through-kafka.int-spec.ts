import { isDeepStrictEqual } from 'node:util';
import type { Kafka } from 'kafkajs';
import {
  ANALYTICS_MIGRATIONS,
  INDICATORS,
  INDICATOR_NAMES,
  IndicatorQueries,
  PROJECTIONS,
  ProjectionWriter,
  migrateAnalytics,
} from '@junheng/analytics';
import type {
  AnalyticsClient,
  ContributingEvent,
  Grain,
  IndicatorName,
  IndicatorRequest,
} from '@junheng/analytics';
import { OutboxRelay, PostgresExecutor, SqlEventStore, START_OF_LOG } from '@junheng/event-store';
import type { EventStore, LogPosition, RecordedEvent } from '@junheng/event-store';
import {
  KafkaEventPublisher,
  KafkaEventSource,
  createKafka,
  ensureEventTopic,
} from '@junheng/messaging';
import type { EventBatch, KafkaOptions } from '@junheng/messaging';
import {
  createTestDatabase,
  describeWith,
  eventually,
  kafkaBrokers,
  openTestAnalytics,
  uniqueName,
} from '@junheng/testing';
// The golden event-log builder is a test fixture of libs/analytics, not part of its public API.
// eslint-disable-next-line no-restricted-imports
import { EventLog, project } from '../../analytics/src/indicators/golden/event-log.fixture';
import { routeBatch } from './dead-letters/dead-letter-routing';
import type { DeadLetter } from './dead-letters/dead-letter-routing';

/**
 * Every district indicator through the Kafka topology (issue 6): a province's events are
 * appended to a real PostgreSQL event store, published by the outbox relay to a 3-partition
 * Kafka topic, consumed by a consumer group and projected into ClickHouse (chDB) the way the
 * projector does it (dead-letter routing, then the projection writer). The same log projected
 * directly into another database must give the same figures and the same drill-down, for every
 * indicator, every grain it supports, both school years and a month and a term of each.
 */

type Level = 'primary' | 'junior' | 'nine-year';

interface SchoolSpec {
  readonly code: string;
  readonly district: string;
  readonly urbanRural: string;
  readonly level: Level;
  readonly weak: boolean;
}

/** Two cities (深圳 4403, 广州 4401), three districts, eight schools. */
const SCHOOLS: readonly SchoolSpec[] = [
  { code: '4403110001', district: '440311', urbanRural: '111', level: 'nine-year', weak: false },
  { code: '4403110002', district: '440311', urbanRural: '220', level: 'nine-year', weak: true },
  { code: '4403110003', district: '440311', urbanRural: '121', level: 'primary', weak: true },
  { code: '4403050001', district: '440305', urbanRural: '112', level: 'nine-year', weak: false },
  { code: '4403050002', district: '440305', urbanRural: '210', level: 'nine-year', weak: true },
  { code: '4401060001', district: '440106', urbanRural: '111', level: 'junior', weak: false },
  { code: '4401060002', district: '440106', urbanRural: '220', level: 'nine-year', weak: true },
  { code: '4401060003', district: '440106', urbanRural: '122', level: 'primary', weak: false },
];

/** The village school 4403110003 is merged (撤并) into 4403110001 before the 2024 year. */
const MERGED = '4403110003';
const HEIR = '4403110001';
const MERGED_ON = '2024-08-20';
/** 4401060003 becomes urban (镇区 → 城区) in the middle of the 2023 year. */
const RECLASSIFIED = '4401060003';
const RECLASSIFIED_ON = '2024-03-01';

const SCHOOL_YEARS = [2023, 2024] as const;
/** The periods asked of byPeriod indicators, besides the whole year: November and term 2. */
const PERIODS: readonly Pick<IndicatorRequest, 'month' | 'term'>[] = [{ month: 11 }, { term: 2 }];

/** Days on which something happens to a student, in order, over the two school years. */
const MOVEMENT_DAYS = [
  '2023-10-12',
  '2023-11-08',
  '2023-11-20',
  '2024-01-15',
  '2024-03-05',
  '2024-04-22',
  '2024-05-20',
  '2024-10-09',
  '2024-11-06',
  '2024-11-25',
  '2025-01-10',
  '2025-03-18',
  '2025-04-21',
  '2025-05-12',
];

const STUDENTS = 200;

function schoolYearOf(day: string): number {
  const year = Number(day.slice(0, 4));
  return Number(day.slice(5, 7)) >= 9 ? year : year - 1;
}

function gradesOf(school: SchoolSpec): readonly number[] {
  if (school.level === 'primary') return [1, 2, 3, 4, 5, 6];
  if (school.level === 'junior') return [7, 8, 9];
  return [1, 2, 3, 4, 5, 6, 7, 8, 9];
}

function openOn(school: SchoolSpec, day: string): boolean {
  return school.code !== MERGED || day < MERGED_ON;
}

function schoolByCode(code: string): SchoolSpec {
  const school = SCHOOLS.find((candidate) => candidate.code === code);
  if (school === undefined) throw new Error(`no school ${code}`);
  return school;
}

/**
 * The province's log: students entering in both years with transfers (within and across
 * districts and cities), dropouts and returns, suspensions, deaths and graduations; a merge and
 * a reclassification; conditions and staffing reports of both years; rotations; pairings (one
 * ended early, one across cities) with lesson exchanges; three fund programmes with
 * allocations (to schools, to a district, for pairing activity) and revocations.
 */
function generatedProvince(): EventLog {
  const log = new EventLog('indicators-through-kafka');
  let random = 20_240_901;
  const next = (n: number): number => {
    random = (random * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.floor(random / 65_536) % n;
  };
  const pick = <T>(items: readonly T[]): T => items[next(items.length)]!;

  for (const school of SCHOOLS)
    log.school(school.code, {
      district: school.district,
      urbanRural: school.urbanRural,
      level: school.level,
      weak: school.weak,
    });
  log.recordedOn('2024-03-02');
  log.reclassify(RECLASSIFIED, '112', RECLASSIFIED_ON);
  log.recordedOn('2024-08-21');
  log.merge(MERGED, HEIR, MERGED_ON);

  for (let index = 1; index <= STUDENTS; index += 1) {
    const student = `k${index}`;
    const entryYear = index % 3 === 0 ? 2024 : 2023;
    const entryDay = `${entryYear}-09-01`;
    let school = pick(SCHOOLS.filter((candidate) => openOn(candidate, entryDay)));
    const grade = pick(gradesOf(school));
    log.recordedOn(`${entryYear}-09-02`);
    log.enrol(student, school.code, grade, entryDay, next(5) === 0 ? 'transfer-in' : 'new-entrant');
    let status: 'on' | 'out' | 'gone' = 'on';
    let droppedOutOn = '';
    let last = entryDay;
    for (let step = 0; step < 3 && status !== 'gone'; step += 1) {
      const later = MOVEMENT_DAYS.filter((day) => day > last);
      if (later.length === 0) break;
      const day = later[next(Math.min(later.length, 6))]!;
      // A merged school's students are the heir's from the merge on.
      if (!openOn(school, day)) school = schoolByCode(HEIR);
      log.recordedOn(day);
      last = day;
      if (status === 'out') {
        if (next(3) > 0) {
          log.returnToSchool(student, school.code, grade, day, droppedOutOn);
          status = 'on';
        }
        continue;
      }
      const fate = next(10);
      if (fate <= 1) {
        const to = pick(
          SCHOOLS.filter(
            (candidate) =>
              candidate.code !== school.code &&
              openOn(candidate, day) &&
              gradesOf(candidate).includes(grade),
          ),
        );
        log.transfer(student, school.code, to.code, grade, day);
        school = to;
      } else if (fate <= 3) {
        log.dropOut(
          student,
          school.code,
          grade,
          day,
          pick(['poverty', 'study-weariness', 'illness']),
        );
        status = 'out';
        droppedOutOn = day;
      } else if (fate === 4) {
        log.suspend(student, school.code, grade, day);
      } else if (fate === 5 && index % 7 === 0) {
        log.die(student, school.code, grade, day);
        status = 'gone';
      } else if (fate >= 6 && (grade === 6 || grade === 9)) {
        const graduation = `${schoolYearOf(day) + 1}-07-01`;
        log.recordedOn(graduation);
        log.graduate(student, school.code, grade, graduation);
        last = graduation;
        status = 'gone';
      }
    }
  }

  for (const schoolYear of SCHOOL_YEARS) {
    log.recordedOn(`${schoolYear}-10-16`);
    for (const school of SCHOOLS.filter((candidate) => openOn(candidate, `${schoolYear}-10-15`))) {
      const grades = gradesOf(school);
      log.conditions(school.code, schoolYear, {
        primaryEnrolment: grades.includes(1) ? 150 + next(500) : 0,
        juniorEnrolment: grades.includes(7) ? 80 + next(300) : 0,
        teachingAuxiliaryAreaM2: 1_500 + next(4_000),
        sportsAreaM2: 3_000 + next(6_000),
        equipmentValueYuan: 600_000 + next(1_500_000),
        computers: 30 + next(120),
        books: 8_000 + next(30_000),
        networkedMultimediaClassrooms: 6 + next(25),
      });
      // The town school sends no staffing report for 2024: its teachers are unknown.
      if (schoolYear === 2024 && school.code === RECLASSIFIED) continue;
      log.staffing(school.code, schoolYear, {
        fullTimeTeachers: 40 + next(50),
        aboveQualificationTeachers: 10 + next(25),
        intermediateTitleTeachers: 5 + next(25),
        backboneTeachers: 1 + next(6),
        peArtsTeachers: 2 + next(6),
        rotationEligibleTeachers: 8 + next(25),
      });
    }
  }

  // Pairings: [id, supporting, receiving, start, planned end, programme].
  const pairings = [
    ['PA1', '4403110001', '4403110002', '2023-09-01', '2026-08-31', '百校扶百校'],
    ['PA2', '4403050001', '4403050002', '2023-09-01', '2025-08-31', '城乡学校共同体'],
    ['PA3', '4401060001', '4401060002', '2024-09-01', '2027-08-31', '百校扶百校'],
    ['PA4', '4403110001', MERGED, '2023-09-01', '2024-08-19', '百校扶百校'],
    ['PA5', '4403050001', '4401060002', '2024-09-01', '2026-08-31', '百校扶百校'],
  ] as const;
  log.recordedOn('2023-09-05');
  for (const [id, supporting, receiving, start, end, programme] of pairings)
    if (start < '2024-09-01') log.pair(id, supporting, receiving, start, end, programme);
  log.recordedOn('2024-09-05');
  for (const [id, supporting, receiving, start, end, programme] of pairings)
    if (start >= '2024-09-01') log.pair(id, supporting, receiving, start, end, programme);
  log.recordedOn('2025-03-01');
  log.endPairing('PA2', '4403050002', '2025-03-01');

  // Lesson exchanges: a few per active pairing and year, one outside any pairing.
  let exchange = 0;
  for (const [id, supporting, receiving, start, end] of pairings)
    for (const day of ['2023-11-14', '2024-03-19', '2024-11-12', '2025-04-08', '2025-05-27']) {
      if (day < start || day > end || (id === 'PA2' && day >= '2025-03-01')) continue;
      exchange += 1;
      log.recordedOn(day);
      const [host, visitor] =
        exchange % 2 === 0 ? [supporting, receiving] : [receiving, supporting];
      log.exchange(`x${exchange}`, host, visitor, day, 8 + next(40), id);
    }
  log.recordedOn('2024-11-20');
  log.exchange('x-free', '4403050002', '4403110002', '2024-11-20', 15, null);

  // Rotations: [rotation, teacher, from, to, start, backbone].
  const rotations = [
    ['r1', 't1', '4403110001', '4403110002', '2023-09-15', true],
    ['r2', 't2', '4403110001', MERGED, '2023-11-06', false],
    ['r3', 't3', '4403050001', '4403050002', '2023-09-15', false],
    ['r4', 't4', '4401060001', '4401060002', '2023-11-20', true],
    ['r5', 't5', '4403110002', '4403110001', '2024-03-11', false],
    ['r6', 't1', '4403110001', '4403110002', '2024-09-10', true],
    ['r7', 't6', '4401060001', '4401060002', '2024-09-10', false],
    ['r8', 't7', '4403050001', '4401060002', '2024-11-04', true],
    ['r9', 't3', '4403050001', '4403050002', '2024-11-18', false],
    ['r10', 't8', '4401060003', '4401060002', '2025-02-24', false],
  ] as const;
  for (const [rotation, teacher, from, to, start, backbone] of rotations) {
    log.recordedOn(start);
    log.rotate(rotation, teacher, from, to, start, { backbone });
  }

  // Funds: a provincial programme of 2023, a city one and a district one of 2024.
  log.recordedOn('2023-10-20');
  log.budget('F23', '44', 2023, 3_000_000, 'province');
  log.recordedOn('2023-11-15');
  SCHOOLS.forEach((school, index) =>
    log.allocate(
      'F23',
      `F23-${index}`,
      { school: school.code },
      20_000 * (index + 1),
      '2023-11-15',
    ),
  );
  log.allocate(
    'F23',
    'F23-PA1a',
    { school: '4403110001' },
    15_000,
    '2023-11-20',
    'pairing-activity',
  );
  log.allocate(
    'F23',
    'F23-PA1b',
    { school: '4403110002' },
    25_000,
    '2023-11-20',
    'pairing-activity',
  );
  log.recordedOn('2024-03-10');
  log.allocate('F23', 'F23-D', { district: '440305' }, 50_000, '2024-03-10');
  log.recordedOn('2024-05-30');
  log.revoke('F23', 'F23-2', { school: SCHOOLS[2]!.code }, 60_000, '2024-05-30');

  log.recordedOn('2024-10-08');
  log.budget('F24C', '4401', 2024, 800_000, 'city');
  log.budget('F24D', '440311', 2024, 500_000, 'district');
  log.recordedOn('2024-11-12');
  log.allocate('F24C', 'F24C-1', { school: '4401060001' }, 120_000, '2024-11-12');
  log.allocate('F24C', 'F24C-2', { school: '4401060002' }, 180_000, '2024-11-12');
  log.allocate(
    'F24C',
    'F24C-PA',
    { school: '4401060002' },
    40_000,
    '2024-11-12',
    'pairing-activity',
  );
  log.allocate('F24D', 'F24D-1', { school: '4403110001' }, 90_000, '2024-11-05');
  log.allocate('F24D', 'F24D-2', { school: '4403110002' }, 140_000, '2024-11-05');
  log.allocate('F24D', 'F24D-D', { district: '440311' }, 30_000, '2024-11-05');
  log.recordedOn('2025-03-20');
  log.allocate(
    'F24C',
    'F24C-PA5',
    { school: '4403050001' },
    35_000,
    '2025-03-20',
    'pairing-activity',
  );
  log.recordedOn('2025-05-30');
  log.revoke('F24D', 'F24D-2', { school: '4403110002' }, 140_000, '2025-05-30');
  return log;
}

type Row = Record<string, unknown>;

/** One question asked of both databases: its key names the indicator, grain, year and period. */
interface Question {
  readonly key: string;
  readonly indicator: IndicatorName;
  readonly request: IndicatorRequest;
}

function questions(): Question[] {
  const asked: Question[] = [];
  for (const indicator of INDICATOR_NAMES) {
    const definition = INDICATORS[indicator];
    for (const grain of definition.grains)
      for (const schoolYear of SCHOOL_YEARS) {
        asked.push({
          key: `${indicator}/${grain}/${schoolYear}`,
          indicator,
          request: { grain, schoolYear },
        });
        if (!definition.byPeriod) continue;
        for (const period of PERIODS)
          asked.push({
            key: `${indicator}/${grain}/${schoolYear}/${period.month !== undefined ? `month-${period.month}` : `term-${period.term}`}`,
            indicator,
            request: { grain, schoolYear, ...period },
          });
      }
  }
  return asked;
}

/**
 * How far apart two floating-point figures may be. ClickHouse adds floats up in the order its
 * threads and data parts hand rows over, so a coefficient of variation or a ratio can differ in
 * its last bits from one query to the next — even asked twice of one database (seen here: up to
 * 2 ulps, a relative 4e-16). A relative 1e-12 absorbs that and nothing else: counts, amounts and
 * every other integer, string, map key and null must be equal exactly.
 */
const FLOAT_TOLERANCE = 1e-12;

function sameFigure(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Object.is(a, b)) return true;
    if (Number.isInteger(a) && Number.isInteger(b)) return false;
    return Math.abs(a - b) <= FLOAT_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item: unknown, index) => sameFigure(item, b[index]));
  }
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    const keys = Object.keys(left).sort();
    if (!isDeepStrictEqual(keys, Object.keys(right).sort())) return false;
    return keys.every((key) => sameFigure(left[key], right[key]));
  }
  return Object.is(a, b);
}

/** A row's sort key: its JSON with floats cut to 9 digits, so last-bit noise cannot reorder. */
function sortKey(row: unknown): string {
  return JSON.stringify(row, (_key, value: unknown) =>
    typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(9)) : value,
  );
}

/** Rows in one order whatever order the engine returned ties in. */
function sorted<T>(rows: readonly T[]): T[] {
  return rows
    .map((row) => [sortKey(row), row] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row);
}

async function everyFigure(on: IndicatorQueries): Promise<Map<string, Row[]>> {
  const figures = new Map<string, Row[]>();
  for (const question of questions())
    figures.set(
      question.key,
      sorted(await on.figures<Row>(INDICATORS[question.indicator], question.request)),
    );
  return figures;
}

/** Where two answers differ, row by row, for a readable failure. */
function difference(throughKafka: readonly Row[], direct: readonly Row[]) {
  return {
    rows: { throughKafka: throughKafka.length, direct: direct.length },
    differing: direct.flatMap((row, index) =>
      sameFigure(throughKafka[index], row)
        ? []
        : [{ index, throughKafka: throughKafka[index] ?? null, direct: row }],
    ),
    onlyThroughKafka: throughKafka.slice(direct.length),
  };
}

const positionOf = (event: LogPosition): LogPosition => ({
  transactionId: event.transactionId,
  globalPosition: event.globalPosition,
});

const later = (a: LogPosition, b: LogPosition): boolean =>
  a.transactionId > b.transactionId ||
  (a.transactionId === b.transactionId && a.globalPosition > b.globalPosition);

describeWith(['PostgreSQL', 'Kafka'], 'every indicator through the Kafka topology', () => {
  const log = generatedProvince();
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let store: EventStore | undefined;
  let kafka: Kafka | undefined;
  let options: KafkaOptions;
  let groupId: string;
  let publisher: KafkaEventPublisher | undefined;
  let source: KafkaEventSource | undefined;
  let throughKafka: AnalyticsClient | undefined;
  let direct: AnalyticsClient | undefined;
  let stored: RecordedEvent[] = [];
  const deadLetters: DeadLetter[] = [];
  /** Per partition source: how far the projector was handed events, and each event it applied. */
  const delivered = new Map<string, LogPosition>();
  const applied = new Map<string, number>();

  beforeAll(async () => {
    database = await createTestDatabase();
    store = new SqlEventStore(new PostgresExecutor({ connectionString: database.url }));
    await store.migrate();
    options = {
      brokers: kafkaBrokers(),
      clientId: 'junheng-indicators-through-kafka',
      topic: uniqueName('indicators.events'),
      partitions: 3,
    };
    groupId = uniqueName('indicators-projector');
    kafka = createKafka(options, { warn: () => undefined, error: () => undefined });
    await ensureEventTopic(kafka, options);
    throughKafka = await openTestAnalytics();
    await migrateAnalytics(throughKafka, ANALYTICS_MIGRATIONS);
    direct = await openTestAnalytics();
    await migrateAnalytics(direct, ANALYTICS_MIGRATIONS);
    await project(direct, log);
  }, 60_000);

  afterAll(async () => {
    await source?.stop();
    await publisher?.close();
    if (kafka !== undefined) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.deleteGroups([groupId]).catch(() => undefined);
        await admin.deleteTopics({ topics: [options.topic] });
      } finally {
        await admin.disconnect();
      }
    }
    await store?.close();
    await database?.drop();
    await throughKafka?.close();
    await direct?.close();
  });

  it('appends the log to the PostgreSQL event store as generated: ids, types, data, streams and versions', async () => {
    const events = log.events;
    // Consecutive events of one stream go in one append, as a command would append them.
    for (let start = 0; start < events.length;) {
      const first = events[start]!;
      let end = start + 1;
      while (end < events.length && events[end]!.streamId === first.streamId) end += 1;
      const run = events.slice(start, end);
      const result = await store!.append({
        streamId: first.streamId,
        streamType: first.streamType,
        expectedVersion: first.streamVersion - 1,
        metadata: {
          actor: first.actor,
          actorRole: first.actorRole,
          actorScope: first.actorScope,
          commandId: first.commandId,
          correlationId: first.correlationId,
        },
        events: run.map((event) => ({
          eventId: event.eventId,
          type: event.type,
          schemaVersion: event.schemaVersion,
          occurredAt: event.occurredAt,
          districtCode: event.districtCode,
          data: event.data,
        })),
      });
      expect(result.streamVersion).toBe(run.at(-1)!.streamVersion);
      start = end;
    }
    stored = await store!.readAll({ after: START_OF_LOG, limit: events.length + 1 });
    const essentials = (event: RecordedEvent) => ({
      eventId: event.eventId,
      type: event.type,
      schemaVersion: event.schemaVersion,
      streamId: event.streamId,
      streamType: event.streamType,
      streamVersion: event.streamVersion,
      occurredAt: event.occurredAt,
      districtCode: event.districtCode,
      data: event.data,
    });
    expect(stored.map(essentials)).toEqual(events.map(essentials));
  });

  it('relays the log to a 3-partition topic and projects it from the consumer group until the checkpoints cover it', async () => {
    expect(stored).toHaveLength(log.events.length);
    const writer = new ProjectionWriter(throughKafka!, PROJECTIONS);
    const held = new Map<string, string>();
    source = new KafkaEventSource(kafka!, {
      topic: options.topic,
      groupId,
      maxBatchSize: 100,
      sessionTimeoutMs: 10_000,
    });
    // What the projector does with a batch: dead letters routed off, the rest written.
    await source.start(async (batch: EventBatch) => {
      const routed = routeBatch(batch.source, batch.messages, held);
      deadLetters.push(...routed.deadLetters);
      await writer.apply({
        events: routed.apply,
        batchId: batch.batchId,
        source: batch.source,
        epoch: batch.epoch,
        position: batch.position,
      });
      for (const event of routed.apply)
        applied.set(event.eventId, (applied.get(event.eventId) ?? 0) + 1);
      const reached = delivered.get(batch.source);
      if (batch.position !== null && (reached === undefined || later(batch.position, reached)))
        delivered.set(batch.source, positionOf(batch.position));
    });

    publisher = new KafkaEventPublisher(kafka!, options.topic);
    const relay = new OutboxRelay(store!, publisher, 250, uniqueName('indicators-relay'));
    let published = 0;
    for (let step = await relay.step(); step.published > 0; step = await relay.step())
      published += step.published;
    expect(published).toBe(stored.length);

    const end = positionOf(stored.at(-1)!);
    await eventually(
      async () => {
        expect(applied.size).toBe(stored.length);
        // Each partition's checkpoint is where its last batch left it, and together they
        // reach the end of the log.
        expect([...delivered.keys()].sort()).toEqual(
          [0, 1, 2].map((partition) => `kafka:${options.topic}:${partition}`),
        );
        for (const [partition, position] of delivered)
          expect(await writer.checkpoint(partition)).toEqual(position);
        const watermark = await writer.watermark();
        expect(positionOf(watermark)).toEqual(end);
        expect(watermark.sources).toBe(3);
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(deadLetters).toEqual([]);
    const [raw] = await throughKafka!.query<{ rows: string; events: string }>(
      // No FINAL: the writer's exactly-once effect means no row twice, merged away or not.
      'SELECT count() AS rows, uniqExact(event_id) AS events FROM {db:Identifier}.events',
    );
    expect(raw).toEqual({ rows: String(stored.length), events: String(stored.length) });
  }, 90_000);

  it('gives every indicator, at every grain, year and period, the figures of the log projected directly', async () => {
    expect(applied.size).toBe(log.events.length);
    const fromKafka = await everyFigure(new IndicatorQueries(throughKafka!));
    const fromLog = await everyFigure(new IndicatorQueries(direct!));
    expect([...fromKafka.keys()]).toEqual([...fromLog.keys()]);

    const mismatches = [...fromLog.keys()]
      .filter((key) => !sameFigure(fromKafka.get(key), fromLog.get(key)))
      .map((key) => ({ key, ...difference(fromKafka.get(key)!, fromLog.get(key)!) }));
    expect(mismatches).toEqual([]);

    // Nothing passes for want of figures: every question has an answer in this log.
    const empty = [...fromLog].filter(([, rows]) => rows.length === 0).map(([key]) => key);
    expect(empty).toEqual([]);
    const perIndicator = Object.fromEntries(
      INDICATOR_NAMES.map((name) => [
        name,
        [...fromLog]
          .filter(([key]) => key.startsWith(`${name}/`))
          .reduce((n, [, rows]) => n + rows.length, 0),
      ]),
    );
    for (const name of INDICATOR_NAMES) expect(perIndicator[name]).toBeGreaterThan(0);
  }, 120_000);

  it('lists the same events behind one district (or programme) of every indicator', async () => {
    // Budget execution is per programme of a fiscal year: the province's of 2023, a district's of 2024.
    const programmeOf = (fiscalYear: number) => (fiscalYear === 2023 ? 'F23' : 'F24D');
    const inStore = new Set(stored.map((event) => event.eventId));
    const page = { limit: 100_000, offset: 0 };
    const differing: {
      key: string;
      throughKafka: ContributingEvent[];
      direct: ContributingEvent[];
    }[] = [];
    const empty: string[] = [];
    const unknown: ContributingEvent[] = [];
    let compared = 0;
    for (const name of INDICATOR_NAMES) {
      const indicator = INDICATORS[name];
      const grain: Grain = indicator.grains.includes('district') ? 'district' : 'programme';
      expect(indicator.grains).toContain(grain);
      for (const schoolYear of SCHOOL_YEARS) {
        const unit = grain === 'programme' ? programmeOf(schoolYear) : '440311';
        const request: IndicatorRequest = { grain, schoolYear, unit };
        const key = `${name}/${grain}/${unit}/${schoolYear}`;
        const throughKafkaEvents = sorted(
          await new IndicatorQueries(throughKafka!).events(indicator, request, page),
        );
        const directEvents = sorted(
          await new IndicatorQueries(direct!).events(indicator, request, page),
        );
        if (!isDeepStrictEqual(throughKafkaEvents, directEvents))
          differing.push({ key, throughKafka: throughKafkaEvents, direct: directEvents });
        if (directEvents.length === 0) empty.push(key);
        // Every event named is one the store holds.
        unknown.push(...directEvents.filter((event) => !inStore.has(event.eventId)));
        compared += directEvents.length;
      }
    }
    expect(differing).toEqual([]);
    expect(empty).toEqual([]);
    expect(unknown).toEqual([]);
    expect(compared).toBeGreaterThan(100);
  }, 60_000);
});
