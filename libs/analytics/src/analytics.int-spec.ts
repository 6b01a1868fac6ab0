import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@junheng/event-store';
import { openTestAnalytics } from '@junheng/testing';
import type { AnalyticsClient } from './client/analytics-client';
import { INDICATORS } from './indicators/catalogue';
import { IndicatorQueries } from './indicators/indicator-queries';
import { ANALYTICS_MIGRATIONS, migrateAnalytics } from './migrations';
import { PROJECTIONS } from './projections';
import { ProjectionWriter } from './projections/projection-writer';
import { freezeProjectionMerges } from './analytics.module';

/** The catalogue's lesson-exchanges figure of one district in one month (YYYY-MM). */
async function lessonExchangesIndicator(
  analytics: AnalyticsClient,
  { district, month }: { district: string; month: string },
): Promise<{ exchanges: number; attendees: number }> {
  const [year, monthOfYear] = month.split('-').map(Number) as [number, number];
  const [figure] = await new IndicatorQueries(analytics).figures<{
    exchanges: number;
    attendees: number;
  }>(INDICATORS['lesson-exchanges'], {
    grain: 'district',
    unit: district,
    schoolYear: monthOfYear >= 9 ? year : year - 1,
    month: monthOfYear,
  });
  return { exchanges: figure?.exchanges ?? 0, attendees: figure?.attendees ?? 0 };
}

let position = 0;
function lessonExchanged(district: string, date: string, attendees: number): RecordedEvent {
  position += 1;
  return {
    eventId: randomUUID(),
    type: 'LessonExchanged',
    schemaVersion: 1,
    streamId: `lesson-exchange-${position}`,
    streamType: 'lesson-exchange',
    streamVersion: 1,
    globalPosition: position,
    transactionId: 1000 + position,
    occurredAt: `${date}T00:00:00.000Z`,
    recordedAt: `2024-11-0${(position % 9) + 1}T10:00:00.000Z`,
    districtCode: district,
    actor: 'clerk',
    actorRole: 'district-clerk',
    actorScope: '44/4403/440311',
    commandId: null,
    correlationId: null,
    data: {
      exchangeId: `x${position}`,
      districtCode: district,
      hostSchoolCode: '1144031101',
      visitingSchoolCode: '1144030501',
      kind: 'demonstration',
      subject: 'chinese',
      date,
      attendees,
    },
  };
}

describe('analytics on the ClickHouse engine', () => {
  let analytics: AnalyticsClient;
  let writer: ProjectionWriter;

  beforeAll(async () => {
    analytics = await openTestAnalytics();
    await migrateAnalytics(analytics, ANALYTICS_MIGRATIONS);
    // Rows are counted without FINAL below: merges must not hide a double.
    await freezeProjectionMerges(analytics);
    writer = new ProjectionWriter(analytics, PROJECTIONS);
  });
  afterAll(async () => {
    await analytics.close();
  });

  it('records applied migrations and applies nothing the second time', async () => {
    const again = await migrateAnalytics(analytics, ANALYTICS_MIGRATIONS);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(ANALYTICS_MIGRATIONS.map((migration) => migration.id));
    const tables = await analytics.query<{ name: string }>(
      'SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name',
    );
    expect(tables.map((table) => table.name)).toEqual([
      'cohort_changes',
      'dead_letters',
      'dropout_changes',
      'events',
      'fund_flows',
      'in_year_changes',
      'lesson_exchanges',
      'pairing_changes',
      'projection_checkpoints',
      'projection_rebuilds',
      'register_changes',
      'schema_migrations',
      'school_changes',
      'school_periods',
      'school_report_values',
      'school_reports',
      'student_events',
      'teacher_rotations',
    ]);
  });

  it('answers the lesson-exchange indicator per district and month, and a batch delivered twice changes nothing', async () => {
    // Seed 000: a demonstration lesson with 67 人次, then two smaller ones; one in another month
    // and one in another district must not count.
    const batch = [
      lessonExchanged('440311', '2024-10-15', 67),
      lessonExchanged('440311', '2024-10-22', 30),
      lessonExchanged('440311', '2024-10-31', 12),
      lessonExchanged('440311', '2024-11-01', 40),
      lessonExchanged('440305', '2024-10-15', 25),
    ];
    const delivery = {
      events: batch,
      batchId: 'test:1-5',
      source: 'test',
      position: { transactionId: 1005, globalPosition: 5 },
    };
    await writer.apply(delivery);
    const once = await lessonExchangesIndicator(analytics, {
      district: '440311',
      month: '2024-10',
    });
    expect(once).toEqual({ exchanges: 3, attendees: 67 + 30 + 12 });

    await writer.apply(delivery);
    // The same events again under another batch id (a redelivery cut differently).
    await writer.apply({ ...delivery, batchId: 'test:other-cut', events: batch.slice(1, 3) });
    const twice = await lessonExchangesIndicator(analytics, {
      district: '440311',
      month: '2024-10',
    });
    expect(twice).toEqual(once);
    const [raw] = await analytics.query<{ n: string }>(
      'SELECT count() AS n FROM {db:Identifier}.events FINAL',
    );
    expect(Number(raw!.n)).toBe(5);

    expect(
      await lessonExchangesIndicator(analytics, { district: '440311', month: '2024-11' }),
    ).toEqual({
      exchanges: 1,
      attendees: 40,
    });
    expect(
      await lessonExchangesIndicator(analytics, { district: '440305', month: '2024-10' }),
    ).toEqual({
      exchanges: 1,
      attendees: 25,
    });
    expect(
      await lessonExchangesIndicator(analytics, { district: '110101', month: '2024-10' }),
    ).toEqual({
      exchanges: 0,
      attendees: 0,
    });
  });

  it('keeps the last checkpoint per source and reports the watermark', async () => {
    expect(await writer.checkpoint('test')).toEqual({ transactionId: 1005, globalPosition: 5 });
    expect(await writer.checkpoint('nowhere')).toEqual({ transactionId: 0, globalPosition: 0 });
    const watermark = await writer.watermark();
    expect(watermark).toMatchObject({ transactionId: 1005, globalPosition: 5, sources: 1 });
    expect(watermark.recordedAt).toMatch(/^2024-11-0\dT10:00:00.000Z$/);
  });

  describe('exactly-once effect under redelivery', () => {
    /** Rows per table without FINAL: doubles must never reach the table at all. */
    async function rowsOf(source: string): Promise<{ events: number; lessons: number }> {
      const [counts] = await analytics.query<{ events: string; lessons: string }>(
        `SELECT
           (SELECT count() FROM {db:Identifier}.events WHERE source = {source:String}) AS events,
           (SELECT count() FROM {db:Identifier}.lesson_exchanges WHERE source = {source:String}) AS lessons`,
        { source },
      );
      return { events: Number(counts!.events), lessons: Number(counts!.lessons) };
    }
    const deliver = (target: ProjectionWriter, source: string, events: RecordedEvent[]) =>
      target.apply({
        events,
        batchId: `${source}:${events[0]!.globalPosition}-${events.at(-1)!.globalPosition}`,
        source,
        position: events.at(-1)!,
      });
    const log = (count: number) =>
      Array.from({ length: count }, (_, index) =>
        lessonExchanged('440311', `2024-10-${String((index % 28) + 1).padStart(2, '0')}`, 10),
      );

    it('applies every event once when every event is delivered twice, cut differently', async () => {
      const events = log(12);
      await deliver(writer, 'twice', events.slice(0, 5));
      await deliver(writer, 'twice', events.slice(0, 8)); // a redelivery that grew meanwhile
      await deliver(writer, 'twice', [...events.slice(5, 12), ...events.slice(5, 12)]);
      // A new process knows nothing in memory: it reads how far each table got.
      const restarted = new ProjectionWriter(analytics, PROJECTIONS);
      await deliver(restarted, 'twice', events);
      expect(await rowsOf('twice')).toEqual({ events: 12, lessons: 12 });
    });

    it('completes a batch a crash cut between two tables, without doubling the first', async () => {
      const events = log(6);
      const crashing = new ProjectionWriter(analytics, PROJECTIONS, {
        faultPoint: (point) => {
          if (point === 'between-inserts') throw new Error('killed between the inserts');
        },
      });
      await expect(deliver(crashing, 'cut', events)).rejects.toThrow('killed');
      expect(await rowsOf('cut')).toEqual({ events: 6, lessons: 0 });
      await deliver(new ProjectionWriter(analytics, PROJECTIONS), 'cut', events);
      expect(await rowsOf('cut')).toEqual({ events: 6, lessons: 6 });
    });

    it('keeps sources apart: one partition’s progress never skips another’s events', async () => {
      const events = log(4);
      await deliver(writer, 'partition-a', events.slice(2));
      await deliver(writer, 'partition-b', events.slice(0, 2));
      expect(await rowsOf('partition-a')).toEqual({ events: 2, lessons: 2 });
      expect(await rowsOf('partition-b')).toEqual({ events: 2, lessons: 2 });
    });

    it('doubles rows with exactly-once off (the negative control the crash tests rely on)', async () => {
      const events = log(3);
      const careless = new ProjectionWriter(analytics, PROJECTIONS, { exactlyOnce: false });
      await deliver(careless, 'careless', events);
      await deliver(careless, 'careless', events.slice(1));
      expect(await rowsOf('careless')).toEqual({ events: 5, lessons: 5 });
    });
  });
});
