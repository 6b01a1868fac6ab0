import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createApiApplication } from '../apps/api/src/api.factory';
import { studentStreamId } from '@junheng/domain';
import { EVENT_STORE } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';
import { Pseudonymizer } from '@junheng/identity';
import { loadConfig } from '@junheng/platform';
import { TEST_IDENTITY_ENV, TEST_PSEUDONYM_KEY, bearer } from '@junheng/testing';
import { registerSchools } from './registered-schools';
import { TOPOLOGIES } from './topologies';

/**
 * Issue 13, findings 4 and 5. Every command that names two schools or units has a stated rule
 * for both (docs/security.md, "Commands about two units"), and a refusal never names a school,
 * student or teacher outside the caller's scope: the rule is named, the facts are not. Before
 * the fixes a Guangming clerk merged its school into a Nanshan school (and changed Nanshan's
 * figures), and learned where another county's students were enrolled from refusals.
 */
const GUANGMING = ['3144031101', '3144031102', '3144031103', '3144031104'] as const;
const NANSHAN = ['3144030501', '3144030502', '3144030503', '3144030504'] as const;

const guangmingClerk = bearer('district-clerk', '44/4403/440311', 'guangming-clerk');
const nanshanClerk = bearer('district-clerk', '44/4403/440305', 'nanshan-clerk');
const shenzhen = bearer('province-admin', '44/4403', 'shenzhen-bureau');
const province = bearer('province-admin', '44', 'province');

const pseudonymizer = new Pseudonymizer(Buffer.from(TEST_PSEUDONYM_KEY, 'base64'), 'k1');
const pseudonymOf = (student: string) => pseudonymizer.pseudonymize('student', student);

let serial = 0;
const someStudent = () => `G44030520150101${String((serial += 1)).padStart(4, '0')}`;
const someTeacher = () => `44030519800101${String((serial += 1)).padStart(4, '0')}`;

/**
 * The answer mentions none of these codes of units outside the caller's scope, as a value of
 * its own (a district code inside a school code the caller sent itself is not one).
 */
function revealsNone(body: unknown, secrets: readonly string[]): void {
  const text = JSON.stringify(body);
  for (const secret of secrets) {
    expect(text).not.toMatch(new RegExp(`(^|[^0-9])${secret}([^0-9]|$)`));
  }
}

describe('commands about two units, and what refusals reveal (embedded)', () => {
  let app: INestApplication<App>;
  let cleanUp: () => Promise<void>;

  beforeAll(async () => {
    const prepared = await TOPOLOGIES[0]!.environment();
    cleanUp = prepared.cleanUp;
    app = await createApiApplication(
      loadConfig({ ...prepared.env, ...TEST_IDENTITY_ENV, RATE_LIMIT_PER_MINUTE: '100000' }),
    );
    await app.init();
    await registerSchools(app); // four in Guangming (440311), four in Nanshan (440305)
  });

  afterAll(async () => {
    await app?.close();
    await cleanUp?.();
  });

  const post = (path: string, auth: string, body: object) =>
    request(app.getHttpServer()).post(path).set('Authorization', auth).send(body);

  describe('both units must be the caller’s', () => {
    it('merges: into a school of another county only by a caller holding both', async () => {
      const merge = (auth: string, schoolCode: string, intoSchoolCode: string) =>
        post('/v1/schools/merges', auth, { schoolCode, intoSchoolCode, effectiveOn: '2099-09-01' });
      const refused = await merge(guangmingClerk, GUANGMING[3], NANSHAN[0]).expect(403);
      expect(refused.body).toMatchObject({
        type: 'urn:junheng:problem:out-of-scope',
        facts: { intoSchoolCode: NANSHAN[0] },
      });
      revealsNone(refused.body, ['440305']);
      // Inside the county the merge reaches the domain (the future date is its answer).
      await merge(guangmingClerk, GUANGMING[3], GUANGMING[2]).expect(422);
      // The city holds both counties.
      await merge(shenzhen, GUANGMING[3], NANSHAN[0]).expect(422);
    });

    it('rotations: the receiving school too', async () => {
      const rotation = (auth: string, toSchoolCode: string, toDistrictCode: string) =>
        post('/v1/teacher-rotations', auth, {
          teacher: someTeacher(),
          fromDistrictCode: '440311',
          fromSchoolCode: GUANGMING[0],
          toDistrictCode,
          toSchoolCode,
          kind: 'rotation',
          subject: 'english',
          backbone: false,
          startDate: '2024-09-01',
          plannedEndDate: '2025-07-15',
        });
      await rotation(guangmingClerk, NANSHAN[1], '440305').expect(403);
      await rotation(guangmingClerk, GUANGMING[3], '440311').expect(201);
      await rotation(shenzhen, NANSHAN[1], '440305').expect(201);
    });

    it('transfers: the receiving school too', async () => {
      const student = someStudent();
      await post('/v1/students/enrolments', guangmingClerk, {
        student,
        schoolCode: GUANGMING[0],
        districtCode: '440311',
        date: '2024-09-01',
        grade: 1,
        entry: 'new-entrant',
      }).expect(201);
      const transfer = (auth: string, toSchoolCode: string, toDistrictCode: string, date: string) =>
        post('/v1/students/transfers', auth, {
          student,
          schoolCode: GUANGMING[0],
          districtCode: '440311',
          toSchoolCode,
          toDistrictCode,
          date,
        });
      await transfer(guangmingClerk, NANSHAN[2], '440305', '2024-10-01').expect(403);
      await transfer(shenzhen, NANSHAN[2], '440305', '2024-10-01').expect(201);
    });

    it('returns: the school the child dropped out from too (its return rate changes)', async () => {
      const student = someStudent();
      const nanshanFact = (route: string, fields: object) =>
        post(`/v1/students/${route}`, nanshanClerk, {
          student,
          schoolCode: NANSHAN[2],
          districtCode: '440305',
          ...fields,
        }).expect(201);
      await nanshanFact('enrolments', { date: '2024-09-01', grade: 1, entry: 'new-entrant' });
      await nanshanFact('dropouts', { date: '2024-10-01', reason: 'work' });
      const back = (auth: string) =>
        post('/v1/students/returns', auth, {
          student,
          schoolCode: GUANGMING[0],
          districtCode: '440311',
          date: '2024-11-01',
          grade: 1,
          means: 'persuasion',
        });
      // Another county (or a school clerk anywhere) cannot close Nanshan's dropout.
      const refused = await back(guangmingClerk).expect(403);
      expect(refused.body.type).toBe('urn:junheng:problem:out-of-scope');
      revealsNone(refused.body, [NANSHAN[2], '440305']);
      const stream = () =>
        app.get<EventStore>(EVENT_STORE).readStream(studentStreamId(pseudonymOf(student)));
      expect((await stream()).map((event) => event.type)).toEqual([
        'StudentEnrolled',
        'StudentDroppedOut',
      ]);
      // The city holds both, and records the child's return to a Guangming school.
      await back(shenzhen).expect(201);
      expect((await stream()).map((event) => event.type)).toEqual([
        'StudentEnrolled',
        'StudentDroppedOut',
        'StudentReturned',
      ]);
    });

    it('pairings: both schools to establish, the receiving county to end', async () => {
      const pairingId = `scope-${Date.now().toString(36)}`;
      const pairing = (auth: string) =>
        post('/v1/pairings', auth, {
          pairingId,
          programme: '百校扶百校',
          supportingSchoolCode: NANSHAN[0],
          supportingDistrictCode: '440305',
          receivingSchoolCode: GUANGMING[1],
          receivingDistrictCode: '440311',
          forms: ['teaching'],
          startDate: '2024-09-01',
          endDate: '2027-07-31',
        });
      await pairing(guangmingClerk).expect(403);
      await pairing(nanshanClerk).expect(403);
      await pairing(shenzhen).expect(201);
      const end = (auth: string) =>
        post('/v1/pairings/endings', auth, { pairingId, endedOn: '2025-01-10', reason: 'done' });
      await end(nanshanClerk).expect(403);
      await end(guangmingClerk).expect(201);
    });

    it('lesson exchanges: the host school; the visiting school appears in no figure', async () => {
      // The visiting school is named, never counted: the fact is the host's, so a visit from
      // another county is the host county's to report.
      const answer = await post('/v1/lesson-exchanges', guangmingClerk, {
        districtCode: '440311',
        hostSchoolCode: GUANGMING[0],
        visitingSchoolCode: NANSHAN[3],
        kind: 'open',
        subject: 'science',
        date: '2024-11-05',
        attendees: 30,
      }).expect(201);
      const events = await request(app.getHttpServer())
        .get('/v1/indicators/lesson-exchanges')
        .set('Authorization', nanshanClerk)
        .query({ district: '440305', month: '2024-11' })
        .expect(200);
      expect(events.body).toMatchObject({ exchanges: 0 });
      expect(answer.body.eventIds).toHaveLength(1);
      // As host, another county's school is out of scope.
      await post('/v1/lesson-exchanges', guangmingClerk, {
        districtCode: '440305',
        hostSchoolCode: NANSHAN[0],
        visitingSchoolCode: GUANGMING[0],
        kind: 'open',
        subject: 'science',
        date: '2024-11-05',
        attendees: 30,
      }).expect(403);
    });

    it('allocations: the recipient school inside the caller’s scope (and the programme)', async () => {
      const programmeId = `scope-${Date.now().toString(36)}`;
      await post('/v1/fund-programmes', guangmingClerk, {
        programmeId,
        name: '专项',
        level: 'district',
        ownerCode: '440311',
        fiscalYear: 2024,
        budgetFen: 1_000_000,
        budgetedOn: '2024-03-01',
      }).expect(201);
      const refused = await post('/v1/fund-programmes/allocations', guangmingClerk, {
        programmeId,
        districtCode: '440311',
        schoolCode: NANSHAN[0],
        amountFen: 100,
        purpose: 'equipment',
        allocatedOn: '2024-04-01',
      }).expect(409);
      // Reported under Guangming, the Nanshan school is held elsewhere: that is all it hears.
      expect(refused.body.rule).toBe('record.held-elsewhere');
      revealsNone(refused.body, ['440305']);
    });
  });

  describe('refusals name the rule, not the facts of another county', () => {
    it('enrolling a student enrolled in another county', async () => {
      const student = someStudent();
      await post('/v1/students/enrolments', nanshanClerk, {
        student,
        schoolCode: NANSHAN[0],
        districtCode: '440305',
        date: '2024-09-01',
        grade: 1,
        entry: 'new-entrant',
      }).expect(201);
      const refused = await post('/v1/students/enrolments', guangmingClerk, {
        student,
        schoolCode: GUANGMING[0],
        districtCode: '440311',
        date: '2024-09-02',
        grade: 1,
        entry: 'new-entrant',
      }).expect(409);
      // It learns the student is held by another unit — an enrolment elsewhere needs that
      // unit — but not which, nor in what state.
      expect(refused.body).toMatchObject({ rule: 'record.held-elsewhere', facts: {} });
      revealsNone(refused.body, [NANSHAN[0], '440305']);
      // A province administrator holds both: it sees where the student is.
      const seen = await post('/v1/students/enrolments', province, {
        student,
        schoolCode: GUANGMING[0],
        districtCode: '440311',
        date: '2024-09-02',
        grade: 1,
        entry: 'new-entrant',
      }).expect(422);
      expect(seen.body.facts).toEqual({ schoolCode: NANSHAN[0] });

      // A dropout reported by the wrong county: not at its school, without saying which.
      const dropout = await post('/v1/students/dropouts', guangmingClerk, {
        student,
        schoolCode: GUANGMING[0],
        districtCode: '440311',
        date: '2024-10-02',
        reason: 'work',
      }).expect(409);
      expect(dropout.body.rule).toBe('record.held-elsewhere');
      revealsNone(dropout.body, [NANSHAN[0], '440305']);
    });

    it('ending or starting the rotation of another county’s teacher', async () => {
      const teacher = someTeacher();
      await post('/v1/teacher-rotations', nanshanClerk, {
        teacher,
        fromDistrictCode: '440305',
        fromSchoolCode: NANSHAN[0],
        toDistrictCode: '440305',
        toSchoolCode: NANSHAN[1],
        kind: 'rotation',
        subject: 'english',
        backbone: false,
        startDate: '2024-09-01',
        plannedEndDate: '2025-07-15',
      }).expect(201);
      const ending = await post('/v1/teacher-rotations/end', guangmingClerk, {
        teacher,
        endDate: '2024-12-01',
      }).expect(403);
      expect(ending.body.type).toBe('urn:junheng:problem:out-of-scope');
      expect(ending.body.facts).toEqual({ scope: '44/4403/440311' });
      revealsNone(ending.body, [NANSHAN[0], '440305']);
      const starting = await post('/v1/teacher-rotations', guangmingClerk, {
        teacher,
        fromDistrictCode: '440311',
        fromSchoolCode: GUANGMING[0],
        toDistrictCode: '440311',
        toSchoolCode: GUANGMING[1],
        kind: 'rotation',
        subject: 'english',
        backbone: false,
        startDate: '2024-10-01',
        plannedEndDate: '2025-07-15',
      }).expect(409);
      expect(starting.body.rule).toBe('record.held-elsewhere');
      expect(starting.body.facts).toEqual({});
      revealsNone(starting.body, [NANSHAN[0], NANSHAN[1], '440305', '2024-09-01']);
    });

    it('a school reported under the wrong county, and another county’s pairing', async () => {
      const wrongCounty = await post('/v1/lesson-exchanges', guangmingClerk, {
        districtCode: '440311',
        hostSchoolCode: NANSHAN[2],
        visitingSchoolCode: GUANGMING[0],
        kind: 'open',
        subject: 'science',
        date: '2024-11-05',
        attendees: 30,
      }).expect(409);
      expect(wrongCounty.body.rule).toBe('record.held-elsewhere');
      revealsNone(wrongCounty.body, ['440305']);

      const pairingId = `theirs-${Date.now().toString(36)}`;
      await post('/v1/pairings', nanshanClerk, {
        pairingId,
        programme: '区内结对',
        supportingSchoolCode: NANSHAN[0],
        supportingDistrictCode: '440305',
        receivingSchoolCode: NANSHAN[3],
        receivingDistrictCode: '440305',
        forms: ['teaching'],
        startDate: '2024-09-01',
        endDate: '2027-07-31',
      }).expect(201);
      const outside = await post('/v1/lesson-exchanges', guangmingClerk, {
        districtCode: '440311',
        hostSchoolCode: GUANGMING[0],
        visitingSchoolCode: GUANGMING[1],
        pairingId,
        kind: 'open',
        subject: 'science',
        date: '2024-11-05',
        attendees: 30,
      }).expect(409);
      expect(outside.body).toMatchObject({ rule: 'record.held-elsewhere', facts: {} });
      revealsNone(outside.body, [NANSHAN[0], NANSHAN[3], '440305']);
    });
  });

  describe('every refusal about another county’s student reveals nothing of it', () => {
    // A Nanshan student in each state a record can be in; then a Guangming clerk sends every
    // student command about it, at a Guangming school. Whatever is refused names no Nanshan
    // school, no Nanshan district and no date of the Nanshan record.
    const nanshanDates = ['2024-09-01', '2024-10-08', '2024-11-12'];
    const states: ReadonlyArray<readonly [string, ReadonlyArray<readonly [string, object]>]> = [
      ['enrolled', []],
      ['at risk', [['risk-flags', { reason: 'poverty', date: '2024-10-08' }]]],
      ['suspended', [['suspensions', { date: '2024-10-08' }]]],
      ['dropped out', [['dropouts', { reason: 'work', date: '2024-10-08' }]]],
      [
        'returned and dropped out again',
        [
          ['dropouts', { reason: 'work', date: '2024-10-08' }],
          ['returns', { grade: 8, means: 'persuasion', date: '2024-11-12' }],
          ['dropouts', { reason: 'illness', date: '2024-11-12' }],
        ],
      ],
      ['deceased', [['deaths', { date: '2024-10-08' }]]],
    ];
    const commands: ReadonlyArray<readonly [string, object]> = [
      ['enrolments', { grade: 6, entry: 'transfer-in' }],
      ['transfers', { toSchoolCode: GUANGMING[1], toDistrictCode: '440311' }],
      ['dropouts', { reason: 'work' }],
      ['returns', { grade: 6, means: 'persuasion' }],
      ['suspensions', {}],
      ['resumptions', {}],
      ['graduations', {}],
      ['deaths', {}],
      ['risk-flags', { reason: 'wavering' }],
      ['risk-clearances', {}],
    ];

    it.each(states)('%s', async (_, history) => {
      const student = someStudent();
      await post('/v1/students/enrolments', nanshanClerk, {
        student,
        schoolCode: NANSHAN[1],
        districtCode: '440305',
        date: nanshanDates[0],
        grade: 8,
        entry: 'transfer-in',
      }).expect(201);
      for (const [route, fields] of history) {
        await post(`/v1/students/${route}`, nanshanClerk, {
          student,
          schoolCode: NANSHAN[1],
          districtCode: '440305',
          ...fields,
        }).expect(201);
      }
      let refusals = 0;
      for (const [route, fields] of commands) {
        const answer = await post(`/v1/students/${route}`, guangmingClerk, {
          student,
          schoolCode: GUANGMING[0],
          districtCode: '440311',
          date: '2024-12-02',
          ...fields,
        });
        expect(answer.status).toBeLessThan(500);
        if (answer.status < 400) continue;
        refusals += 1;
        revealsNone(answer.body, [NANSHAN[1], '440305', ...nanshanDates]);
        // Held elsewhere, not the caller's to change, or a fault of the request itself (the
        // same against a blank record).
        expect([
          'urn:junheng:problem:rule:record.held-elsewhere',
          'urn:junheng:problem:out-of-scope',
          'urn:junheng:problem:rule:student.unknown',
          'urn:junheng:problem:rule:student.new-entrant-grade',
        ]).toContain(answer.body.type);
      }
      expect(refusals).toBeGreaterThan(0);
    });
  });
});
