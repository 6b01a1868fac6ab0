import { createHash } from 'node:crypto';
import { syntheticProvince } from '@junheng/synthetic-province';
import type { SyntheticProvince } from '@junheng/synthetic-province';
import {
  DEMO_BATCH_EVENTS,
  DEMO_EXAMPLE,
  DEMO_PROVINCE,
  demoAppendRequests,
  demoBatches,
  demoKeyName,
} from './demo-province';
import type { DemoKeyOf } from './demo-province';

const keyOf: DemoKeyOf = (name, body) => ({
  key: `key:${name}`,
  fingerprint: createHash('sha256').update(JSON.stringify(body)).digest('hex'),
});

describe('the demo province', () => {
  let province: SyntheticProvince;
  beforeAll(() => {
    province = syntheticProvince(DEMO_PROVINCE);
  });

  it('is the small province over six school years, none of its facts after 31 August 2025', () => {
    expect(province.districts).toEqual(['440103', '440104', '440105']);
    expect(province.schools).toHaveLength(60);
    expect(province.firstYear).toBe(DEMO_PROVINCE.schoolYear - 5);
    const last = province.events.map((event) => event.occurredAt).sort((a, b) => (a < b ? -1 : 1));
    expect(last.at(-1)! <= '2025-08-31T00:00:00.000Z').toBe(true);
  });

  it('holds what the printed examples name: the district, its exchanges that month, two open schools', () => {
    const { district, month, hostSchoolCode, visitingSchoolCode, date } = DEMO_EXAMPLE;
    expect(province.districts).toContain(district);
    expect(
      province.events.filter(
        (event) =>
          event.type === 'LessonExchanged' &&
          event.data['districtCode'] === district &&
          String(event.data['date']).startsWith(month),
      ).length,
    ).toBeGreaterThan(0);
    for (const code of [hostSchoolCode, visitingSchoolCode]) {
      expect(province.schools.find((school) => school.code === code)?.district).toBe(district);
      // Neither closed, merged nor moved out of the district by the example's date.
      const changes = province.events.filter(
        (event) =>
          event.streamId === `school-${code}` &&
          ['SchoolClosed', 'SchoolMerged', 'SchoolMovedDistrict'].includes(event.type),
      );
      expect(changes.filter((event) => event.occurredAt.slice(0, 10) <= date)).toEqual([]);
    }
  });

  it('becomes append requests in the log’s order, each at its stream’s version, with keys of its own', () => {
    const requests = demoAppendRequests(province, keyOf);
    const appended = requests.flatMap((request) =>
      request.events.map((event) => [request.streamId, event.type, event.data]),
    );
    // Compared as text: jest's deep equality takes seconds over 80,000 events.
    expect(JSON.stringify(appended)).toBe(
      JSON.stringify(province.events.map((event) => [event.streamId, event.type, event.data])),
    );
    const versions = new Map<string, number>();
    const misplaced = requests.filter((request) => {
      const version = versions.get(request.streamId) ?? 0;
      versions.set(request.streamId, version + request.events.length);
      return request.expectedVersion !== version;
    });
    expect(misplaced).toEqual([]);
    const keys = requests.map((request) => request.idempotencyKey);
    expect(new Set(keys).size).toBe(requests.length);
    expect(keys[0]).toBe(`key:${demoKeyName(1)}`);
    const ids = requests.flatMap((request) => request.events.map((event) => event.eventId));
    expect(new Set(ids).size).toBe(province.events.length);
    expect(requests[0]!.metadata).toMatchObject({ actor: 'system:demo-data', actorRole: 'system' });
    // The same province and keys give the same requests: a restart repeats the same load.
    expect(JSON.stringify(demoAppendRequests(province, keyOf))).toBe(JSON.stringify(requests));
  });

  it('is appended in batches of about DEMO_BATCH_EVENTS events, no request split', () => {
    const requests = demoAppendRequests(province, keyOf);
    const batches = demoBatches(requests);
    expect(batches.flat().every((request, index) => request === requests[index])).toBe(true);
    expect(batches.flat()).toHaveLength(requests.length);
    const sizes = batches.map((batch) =>
      batch.reduce((sum, request) => sum + request.events.length, 0),
    );
    for (const size of sizes.slice(0, -1)) {
      expect(size).toBeGreaterThanOrEqual(DEMO_BATCH_EVENTS);
      expect(size).toBeLessThan(DEMO_BATCH_EVENTS + 20);
    }
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(province.events.length);
  });
});
