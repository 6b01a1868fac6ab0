import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createApiApplication } from '../apps/api/src/api.factory';
import { loadConfig } from '@junheng/platform';
import { TEST_IDENTITY_ENV, bearer, chdbTestPath, uniqueName } from '@junheng/testing';
import { registerSchools } from './registered-schools';

/**
 * Cohorts across school years, recorded only through the api (issue 14): a class enrols in
 * grade 1 (or 7), is promoted every 1 September without anyone re-entering it, and graduates
 * six (or three; five or four under 五四制) years later. Every figure below is worked by hand.
 */

interface RestFigure {
  readonly unit: string;
  readonly level: string | null;
  readonly value: number | null;
  readonly measures: Record<string, number | null>;
  readonly breakdown: Record<string, number>;
}

// Guangming (440311): A and B primary, J junior; Nanshan (440305): X primary, Y junior.
const A = { schoolCode: '3144031101', districtCode: '440311' };
const B = { schoolCode: '3144031104', districtCode: '440311' };
const J = { schoolCode: '3144031102', districtCode: '440311' };
const X = { schoolCode: '3144030504', districtCode: '440305' };
const Y = { schoolCode: '3144030502', districtCode: '440305' };
// The province's administrator may move a student between counties.
const admin = bearer('province-admin', '44');

const number = (serial: number): string => `G4403112013${String(serial).padStart(7, '0')}X`;

async function startApi(
  schoolSystem: string,
  name: string,
  env: Record<string, string> = {},
): Promise<{ app: INestApplication<App>; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), `junheng-${name}-`));
  const app: INestApplication<App> = await createApiApplication(
    loadConfig({
      PGLITE_DATA_DIR: dir,
      CHDB_DATA_DIR: chdbTestPath(),
      CLICKHOUSE_DATABASE: uniqueName(name),
      JUNHENG_DEMO_DATA: 'false',
      JUNHENG_SCHOOL_SYSTEM: schoolSystem,
      LOG_LEVEL: 'warn',
      ...TEST_IDENTITY_ENV,
      ...env,
    }),
  );
  await app.init();
  await registerSchools(app);
  return { app, dir };
}

/** A small client for one api: record facts, then read figures once they are projected. */
function client(app: INestApplication<App>) {
  let lastPosition = 0;
  const record = async (route: string, body: object): Promise<void> => {
    const response = await request(app.getHttpServer())
      .post(`/v1/students/${route}`)
      .set('Authorization', admin)
      .send(body);
    if (response.status !== 201) {
      throw new Error(`${route} ${JSON.stringify(body)}: ${JSON.stringify(response.body)}`);
    }
    lastPosition = Math.max(
      lastPosition,
      (response.body as { globalPosition: number }).globalPosition,
    );
  };
  const figures = async (
    query: Record<string, string | number>,
    indicator = 'cohort-consolidation',
  ): Promise<RestFigure[]> => {
    const response = await request(app.getHttpServer())
      .get(`/v1/indicators/${indicator}/figures`)
      .set('Authorization', admin)
      .query({ ...(lastPosition > 0 ? { minPosition: lastPosition } : {}), ...query })
      .expect(200);
    return (response.body as { figures: RestFigure[] }).figures;
  };
  return {
    record,
    figures,
    enrol: (serial: number, school: object, date: string, grade: number, entry: string) =>
      record('enrolments', { student: number(serial), ...school, date, grade, entry }),
    transfer: (serial: number, from: object, to: typeof A, date: string) =>
      record('transfers', {
        student: number(serial),
        ...from,
        date,
        toSchoolCode: to.schoolCode,
        toDistrictCode: to.districtCode,
      }),
    fact: (route: string, serial: number, school: object, date: string, extra: object = {}) =>
      record(route, { student: number(serial), ...school, date, ...extra }),
  };
}

/** A figure's measures and its value (the rate, which the measures repeat). */
const measuresOf = (figure: RestFigure | undefined) => {
  const { rate: _rate, ...measures } = figure?.measures ?? {};
  return { ...measures, value: figure?.value };
};

describe('cohorts across school years (六三制)', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  let junheng: ReturnType<typeof client>;
  let beforeTheRepeat: string;

  beforeAll(async () => {
    api = await startApi('6+3', 'schoolyear63');
    junheng = client(api.app);
    const { enrol, transfer, fact } = junheng;

    // The primary class of 2019 (graduating in the school year 2024, July 2025).
    for (let serial = 1; serial <= 10; serial += 1) {
      await enrol(serial, A, '2019-09-01', 1, 'new-entrant');
    }
    await enrol(12, X, '2019-09-01', 1, 'new-entrant'); // at Nanshan's X
    await enrol(11, A, '2020-10-12', 2, 'transfer-in'); // year 2, from outside the province
    await transfer(12, X, A, '2021-03-15'); // year 2, grade 2: into Guangming
    await transfer(3, A, B, '2021-09-15'); // year 3, grade 3: within the district
    await new Promise((done) => setTimeout(done, 20));
    beforeTheRepeat = new Date().toISOString();
    await new Promise((done) => setTimeout(done, 20));
    await fact('repeats', 5, A, '2022-09-01', { grade: 3 }); // year 4: 留级, grade 3 again
    await transfer(2, A, X, '2022-11-20'); // year 4, grade 4: out to Nanshan
    await fact('deaths', 4, A, '2022-12-01'); // year 4
    await fact('dropouts', 6, A, '2023-04-10', { reason: 'work' }); // year 4, never back
    for (const serial of [1, 7, 8, 9, 10, 11, 12]) {
      await fact('graduations', serial, A, '2025-07-04'); // grade 6, promoted five times
    }
    await fact('graduations', 3, B, '2025-07-04');
    await fact('graduations', 2, X, '2025-07-04');
    // The repeater is a year behind: grade 5 in July 2025, graduating with the class of 2020.
    await fact('graduations', 5, A, '2026-07-03');

    // The junior class of 2022 (grade 7 in September 2022, graduating in July 2025).
    for (let serial = 21; serial <= 25; serial += 1) {
      await enrol(serial, J, '2022-09-01', 7, 'new-entrant');
    }
    await enrol(26, J, '2023-09-05', 8, 'transfer-in'); // year 2
    await fact('dropouts', 23, J, '2023-11-01', { reason: 'work' }); // year 2, grade 8
    await transfer(22, J, Y, '2024-03-01'); // year 2, grade 8
    // Back a year on, in grade 8 again: now in the class of 2023.
    await fact('returns', 23, J, '2024-09-02', { grade: 8, means: 'persuasion' });
    for (const serial of [21, 24, 25, 26]) await fact('graduations', serial, J, '2025-07-04');
  });

  afterAll(async () => {
    await api?.app.close();
    rmSync(api?.dir ?? '', { recursive: true, force: true });
  });

  it('refuses to graduate a student before their class reaches the final grade', async () => {
    const early = await request(api.app.getHttpServer())
      .post('/v1/students/graduations')
      .set('Authorization', admin)
      .send({ student: number(23), ...J, date: '2025-07-05' })
      .expect(422);
    // Back in grade 8 in September 2024, so in grade 8 still in July 2025.
    expect(early.body).toMatchObject({ rule: 'student.not-in-final-grade', facts: { grade: 8 } });
    const notYet = await request(api.app.getHttpServer())
      .post('/v1/students/graduations')
      .set('Authorization', admin)
      .send({ student: number(5), ...A, date: '2026-07-04' })
      .expect(422);
    // Graduated already the day before: no second graduation.
    expect(notYet.body.rule).toBe('student.not-enrolled');
  });

  it('follows the primary class of 2019 from grade 1 to its graduation six years on', async () => {
    const [primary] = await junheng.figures({
      schoolYear: 2024,
      area: '440311',
      level: 'primary',
    });
    // entrants 10 (P1-P10); transfers in 3 (P11 from outside, P12 from Nanshan, P3 into B);
    // transfers out 3 (P2 to Nanshan, P3 out of A, P5 leaving the class by repeating); deaths 1.
    // cohort 10 + 3 − 3 − 1 = 9; graduates 8 (P1, P3, P7-P12); 8 ÷ 9.
    expect(measuresOf(primary)).toEqual({
      entrants: 10,
      transfersIn: 3,
      transfersOut: 3,
      deaths: 1,
      graduates: 8,
      cohortSize: 9,
      value: (8 / 9) * 100,
    });
    const schools = await junheng.figures({
      schoolYear: 2024,
      area: '440311',
      grain: 'school',
      level: 'primary',
    });
    const bySchool = new Map(schools.map((figure) => [figure.unit, measuresOf(figure)]));
    // A: 10 + 2 (P11, P12) − 3 (P2, P3, P5) − 1 = 8; graduates 7 (P1, P7-P12).
    expect(bySchool.get(A.schoolCode)).toMatchObject({ cohortSize: 8, graduates: 7 });
    expect(bySchool.get(A.schoolCode)!.value).toBeCloseTo(87.5, 10);
    // B: P3 transferred in and graduated.
    expect(bySchool.get(B.schoolCode)).toMatchObject({ cohortSize: 1, graduates: 1, value: 100 });
    // Nanshan: P12 entered and left, P2 arrived; P2 graduated: 1 + 1 − 1 = 1.
    const [nanshan] = await junheng.figures({ schoolYear: 2024, area: '440305', level: 'primary' });
    expect(measuresOf(nanshan)).toMatchObject({ entrants: 1, cohortSize: 1, graduates: 1 });
  });

  it('reads the register by grade on any day: promoted each September, the repeater held back', async () => {
    const register = async (query: Record<string, string | number>) =>
      new Map(
        (await junheng.figures({ area: '440311', grain: 'school', ...query }, 'register')).map(
          (figure) => [`${figure.unit} ${figure.level}`, [figure.value, figure.breakdown]],
        ),
      );
    // September 2019: the ten entrants in grade 1.
    expect((await register({ schoolYear: 2019, month: 9 })).get(`${A.schoolCode} primary`)).toEqual(
      [10, { '1': 10 }],
    );
    // End of the school year 2020: all in grade 2, with P11 who joined in October and P12 who
    // came from Nanshan in March.
    expect((await register({ schoolYear: 2020 })).get(`${A.schoolCode} primary`)).toEqual([
      12,
      { '2': 12 },
    ]);
    // End of the school year 2022 (year 4): P2 left, P4 died, P6 dropped out, P3 is at B; P5
    // repeats grade 3 while the rest are in grade 4.
    const year4 = await register({ schoolYear: 2022 });
    expect(year4.get(`${A.schoolCode} primary`)).toEqual([8, { '3': 1, '4': 7 }]);
    expect(year4.get(`${B.schoolCode} primary`)).toEqual([1, { '4': 1 }]);
    // As recorded before the repeat (and what came after it: P2's transfer, P4's death, P6's
    // dropout): all eleven at A in grade 4, P5 with them.
    const asRecorded = await register({ schoolYear: 2022, asOf: beforeTheRepeat });
    expect(asRecorded.get(`${A.schoolCode} primary`)).toEqual([11, { '4': 11 }]);
    // September 2024: the junior class in grade 9; J23, back in grade 8, a class behind.
    expect((await register({ schoolYear: 2024, month: 9 })).get(`${J.schoolCode} junior`)).toEqual([
      5,
      { '8': 1, '9': 4 },
    ]);
  });

  it('counts the repeater in the class of 2020, which they joined and graduate with', async () => {
    const [primary] = await junheng.figures({
      schoolYear: 2025,
      area: '440311',
      level: 'primary',
    });
    expect(measuresOf(primary)).toEqual({
      entrants: 0,
      transfersIn: 1,
      transfersOut: 0,
      deaths: 0,
      graduates: 1,
      cohortSize: 1,
      value: 100,
    });
  });

  it('follows the junior class of 2022 over three years, a late return joining the next class', async () => {
    const [junior] = await junheng.figures({ schoolYear: 2024, area: '440311', level: 'junior' });
    // entrants 5; in 1 (J26); out 2 (J22 to Nanshan; J23, back in the class of 2023); 4 ÷ 4.
    expect(measuresOf(junior)).toEqual({
      entrants: 5,
      transfersIn: 1,
      transfersOut: 2,
      deaths: 0,
      graduates: 4,
      cohortSize: 4,
      value: 100,
    });
  });
});

describe('cohorts across school years, repeaters counted in their entry class', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  let junheng: ReturnType<typeof client>;

  beforeAll(async () => {
    api = await startApi('6+3', 'schoolyearentry', { JUNHENG_REPEATERS_COUNT_IN: 'entry' });
    junheng = client(api.app);
    const { enrol, fact } = junheng;
    for (let serial = 1; serial <= 4; serial += 1) {
      await enrol(serial, A, '2019-09-01', 1, 'new-entrant');
    }
    await fact('repeats', 4, A, '2021-09-01', { grade: 2 });
    for (const serial of [1, 2, 3]) await fact('graduations', serial, A, '2025-07-04');
    await fact('graduations', 4, A, '2026-07-03');
  });

  afterAll(async () => {
    await api?.app.close();
    rmSync(api?.dir ?? '', { recursive: true, force: true });
  });

  it('keeps the repeater in the class of 2019, whose graduate they are not', async () => {
    const [primary] = await junheng.figures({ schoolYear: 2024, area: '440311', level: 'primary' });
    // 4 entrants, nobody left; 3 graduated in July 2025: 3 ÷ 4.
    expect(measuresOf(primary)).toEqual({
      entrants: 4,
      transfersIn: 0,
      transfersOut: 0,
      deaths: 0,
      graduates: 3,
      cohortSize: 4,
      value: 75,
    });
    // Nor of the class of 2020, which they never entered.
    const next = await junheng.figures({ schoolYear: 2025, area: '440311', level: 'primary' });
    expect(next.map(measuresOf)).toEqual([]);
  });
});

describe('cohorts across school years (五四制)', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  let junheng: ReturnType<typeof client>;

  beforeAll(async () => {
    api = await startApi('5+4', 'schoolyear54');
    junheng = client(api.app);
    const { enrol, transfer, fact } = junheng;
    // Primary class of 2020: five years, graduating from grade 5 in July 2025.
    for (let serial = 31; serial <= 35; serial += 1) {
      await enrol(serial, A, '2020-09-01', 1, 'new-entrant');
    }
    await fact('dropouts', 31, A, '2021-10-11', { reason: 'illness' }); // year 2
    await transfer(32, A, X, '2022-09-20'); // year 3, out to Nanshan
    await fact('repeats', 33, A, '2023-09-01', { grade: 3 }); // year 4
    for (const serial of [34, 35]) await fact('graduations', serial, A, '2025-07-04');
    // Junior class of 2021: grade 6 is junior's first, four years to grade 9.
    for (let serial = 41; serial <= 44; serial += 1) {
      await enrol(serial, J, '2021-09-01', 6, 'new-entrant');
    }
    await fact('deaths', 41, J, '2022-10-10'); // year 2
    await fact('dropouts', 42, J, '2023-12-01', { reason: 'work' }); // year 3
    for (const serial of [43, 44]) await fact('graduations', serial, J, '2025-07-04');
  });

  afterAll(async () => {
    await api?.app.close();
    rmSync(api?.dir ?? '', { recursive: true, force: true });
  });

  it('graduates primary school from grade 5 and counts its class over five years', async () => {
    const [primary] = await junheng.figures({ schoolYear: 2024, area: '440311', level: 'primary' });
    // 5 entrants − 1 out (P32) − 1 repeater leaving the class = 3; 2 graduates: 2 ÷ 3.
    expect(measuresOf(primary)).toMatchObject({
      entrants: 5,
      transfersOut: 2,
      cohortSize: 3,
      graduates: 2,
    });
    expect(primary!.value).toBeCloseTo((2 / 3) * 100, 10);
  });

  it('starts junior school in grade 6 and counts its class over four years', async () => {
    const [junior] = await junheng.figures({ schoolYear: 2024, area: '440311', level: 'junior' });
    // 4 entrants − 1 death = 3; 2 graduates: 2 ÷ 3.
    expect(measuresOf(junior)).toMatchObject({
      entrants: 4,
      deaths: 1,
      cohortSize: 3,
      graduates: 2,
    });
    expect(junior!.value).toBeCloseTo((2 / 3) * 100, 10);
    const refused = await request(api.app.getHttpServer())
      .post('/v1/students/enrolments')
      .set('Authorization', admin)
      .send({ student: number(50), ...J, date: '2024-09-01', grade: 7, entry: 'new-entrant' })
      .expect(422);
    expect(refused.body).toMatchObject({ rule: 'student.new-entrant-grade', facts: { grade: 7 } });
  });
});

describe('graduating a school’s final grade in one command', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  const C = { schoolCode: '3144031103', districtCode: '440311' };
  const graduateClass = (except: string[]) =>
    request(api.app.getHttpServer())
      .post('/v1/students/class-graduations')
      .set('Authorization', admin)
      .send({ ...C, date: '2025-07-04', level: 'primary', except });

  beforeAll(async () => {
    api = await startApi('6+3', 'classgraduation');
    const { enrol, fact } = client(api.app);
    for (let serial = 61; serial <= 66; serial += 1) {
      await enrol(serial, C, '2019-09-01', 1, 'new-entrant');
    }
    await fact('repeats', 66, C, '2022-09-01', { grade: 3 }); // in grade 5 in July 2025
    await enrol(67, C, '2024-09-01', 1, 'new-entrant'); // a first-grader
    await fact('graduations', 63, C, '2025-07-04'); // graduated one by one before
  });

  afterAll(async () => {
    await api?.app.close();
    rmSync(api?.dir ?? '', { recursive: true, force: true });
  });

  it('graduates everyone of the final grade but the exceptions, once however often it is sent', async () => {
    const first = await graduateClass([number(64), number(66)]).expect(201);
    // Grade 6 that day: 61-65 (66 repeated, 67 is in grade 1). 63 already graduated, 64 is
    // excepted; 66, excepted too, is not in the final grade.
    expect(first.body).toMatchObject({
      finalGrade: 5,
      graduated: 3,
      alreadyGraduated: 1,
      excepted: 1,
      refused: 0,
      exceptNotInClass: 1,
    });
    expect(first.body.eventIds).toHaveLength(3);
    expect(JSON.stringify(first.body)).not.toContain('4403112013');
    const again = await graduateClass([number(64), number(66)]).expect(201);
    expect(again.body).toMatchObject({ finalGrade: 5, graduated: 0, alreadyGraduated: 4 });

    const [primary] = await client(api.app).figures({
      schoolYear: 2024,
      area: '440311',
      level: 'primary',
      minPosition: first.body.globalPosition as number,
    });
    // 6 entrants − 1 repeater leaving the class = 5; 4 graduates (61, 62, 63, 65).
    expect(measuresOf(primary)).toMatchObject({ entrants: 6, cohortSize: 5, graduates: 4 });
  });

  it('takes the class as the register stood that day, and binds an Idempotency-Key to the request', async () => {
    const { enrol, transfer, fact } = client(api.app);
    const D = { schoolCode: '3144031104', districtCode: '440311' };
    for (let serial = 81; serial <= 85; serial += 1) {
      await enrol(serial, D, '2019-09-01', 1, 'new-entrant');
    }
    await enrol(86, A, '2019-09-01', 1, 'new-entrant');
    await fact('graduations', 85, D, '2025-07-02'); // one by one, before
    // After the day of the class graduation below (2025-07-02): 82 leaves, 83 drops out, 86
    // arrives.
    await transfer(82, D, A, '2025-07-03');
    await fact('dropouts', 83, D, '2025-07-03', { reason: 'work' });
    await transfer(86, A, D, '2025-07-03');
    const send = (except: string[], key: string) =>
      request(api.app.getHttpServer())
        .post('/v1/students/class-graduations')
        .set('Authorization', admin)
        .set('Idempotency-Key', key)
        .send({ ...D, date: '2025-07-02', level: 'primary', except });

    // Another request under a key used before is refused, and records nothing.
    const first = await send([number(84), number(85)], 'class-of-2019').expect(201);
    // On the day: 81-85 in grade 6; 85 graduated already (named in except, still graduated);
    // 84 excepted; 82 and 83 have a later fact recorded: refused; 86 came after the day.
    expect(first.body).toMatchObject({
      finalGrade: 5,
      graduated: 1,
      alreadyGraduated: 1,
      excepted: 1,
      refused: 2,
      exceptNotInClass: 0,
      replayed: false,
    });
    const again = await send([number(84), number(85)], 'class-of-2019').expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual({ ...first.body, replayed: true });
    const reused = await send([], 'class-of-2019').expect(422);
    expect(reused.body.type).toContain('idempotency');
    const afterwards = await send([], 'class-of-2019-second-try').expect(201);
    // 84 was never graduated by the refused request: the second key graduates it now.
    expect(afterwards.body).toMatchObject({ graduated: 1, alreadyGraduated: 2, refused: 2 });
  });

  it('moves a student held in grade 6 past their class’s graduation into the next class when the repeat is recorded', async () => {
    const junheng = client(api.app);
    await junheng.enrol(87, X, '2019-09-01', 1, 'new-entrant');
    await junheng.fact('suspensions', 87, X, '2025-03-01'); // misses the class of 2019's graduation
    await junheng.fact('resumptions', 87, X, '2025-09-05'); // grade 6 still
    await junheng.fact('repeats', 87, X, '2025-09-10', { grade: 6 }); // 留级 of grade 6
    await junheng.fact('graduations', 87, X, '2026-07-03');
    const [classOf2019] = await junheng.figures({
      schoolYear: 2024,
      area: '440305',
      level: 'primary',
    });
    // Entered with the class of 2019, left it by the repeat: no one left to count.
    expect(measuresOf(classOf2019)).toMatchObject({
      entrants: 1,
      transfersOut: 1,
      cohortSize: 0,
      value: null,
    });
    const [classOf2020] = await junheng.figures({
      schoolYear: 2025,
      area: '440305',
      level: 'primary',
    });
    // Joined the class of 2020 by the repeat and graduated with it: 1 ÷ 1.
    expect(measuresOf(classOf2020)).toMatchObject({
      entrants: 0,
      transfersIn: 1,
      graduates: 1,
      cohortSize: 1,
      value: 100,
    });
  });

  it('refuses what is not a class graduation', async () => {
    const wrong = await request(api.app.getHttpServer())
      .post('/v1/students/class-graduations')
      .set('Authorization', admin)
      .send({ ...C, date: '2025-07-04', level: 'senior', except: ['12345'] })
      .expect(400);
    const { errors } = wrong.body as { errors: { field: string }[] };
    expect(errors.map((error) => error.field).sort()).toEqual(['except', 'level']);
    const future = await request(api.app.getHttpServer())
      .post('/v1/students/class-graduations')
      .set('Authorization', admin)
      .send({ ...C, date: '2099-07-03', level: 'primary', except: [] })
      .expect(422);
    expect(future.body.rule).toBe('calendar.date-in-future');
    // A primary school has no junior class, nor a student in grade 7.
    const noSuchClass = await request(api.app.getHttpServer())
      .post('/v1/students/class-graduations')
      .set('Authorization', admin)
      .send({ ...A, date: '2025-07-04', level: 'junior', except: [] })
      .expect(422);
    expect(noSuchClass.body).toMatchObject({
      rule: 'student.grade-not-taught',
      facts: { level: 'junior', schoolLevel: 'primary' },
    });
    const notTaught = await request(api.app.getHttpServer())
      .post('/v1/students/enrolments')
      .set('Authorization', admin)
      .send({ student: number(88), ...A, date: '2024-09-01', grade: 7, entry: 'new-entrant' })
      .expect(422);
    expect(notTaught.body).toMatchObject({
      rule: 'student.grade-not-taught',
      facts: { grade: 7, schoolLevel: 'primary' },
    });
    await request(api.app.getHttpServer())
      .post('/v1/students/class-graduations')
      .set('Authorization', bearer('district-clerk', '44/4403/440305'))
      .send({ ...C, date: '2025-07-04', level: 'primary', except: [] })
      .expect(403);
  });
});

describe('the 学籍 annual rollover export as an import', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  const rollover = (rows: object[]) =>
    request(api.app.getHttpServer())
      .post('/v1/imports/student-rollover')
      .set('Authorization', admin)
      .set('Content-Type', 'application/x-ndjson')
      .send(rows.map((row) => JSON.stringify(row)).join('\n'))
      .expect(200);

  beforeAll(async () => {
    api = await startApi('6+3', 'rollover');
    const { enrol, transfer } = client(api.app);
    for (let serial = 71; serial <= 75; serial += 1) {
      await enrol(serial, A, '2023-09-01', 5, 'transfer-in');
    }
    await transfer(75, A, B, '2024-03-01');
  });

  afterAll(async () => {
    await api?.app.close();
    rmSync(api?.dir ?? '', { recursive: true, force: true });
  });

  it('checks promotions and departures, records repeats and graduations, reports each row', async () => {
    const row = (serial: number, outcome: string, extra: object = {}) => ({
      student: number(serial),
      ...A,
      date: '2024-09-01',
      outcome,
      ...extra,
    });
    const september = await rollover([
      row(71, 'promoted', { grade: 6 }),
      row(72, 'promoted', { grade: 5 }), // the facts say grade 6
      row(73, 'repeated', { grade: 5 }),
      row(74, 'left'), // never reported as leaving
      row(75, 'left'), // transferred to B in March
      row(76, 'promoted', { grade: 6 }), // nobody enrolled
      row(71, 'moved-up', { grade: 6 }),
    ]);
    expect(september.body).toMatchObject({
      kind: 'student-rollover',
      rows: 7,
      accepted: 1,
      unchanged: 2,
      rejected: 4,
    });
    const errors = (september.body as { errors: { row: number; rule?: string; field?: string }[] })
      .errors;
    expect(errors.map((error) => [error.row, error.rule ?? error.field])).toEqual([
      [2, 'student.grade-differs'],
      [4, 'student.still-on-register'],
      [6, 'student.unknown'],
      [7, 'outcome'],
    ]);
    const july = await rollover([
      { ...row(71, 'graduated', { grade: 6 }), date: '2025-07-04' },
      { ...row(73, 'graduated', { grade: 6 }), date: '2025-07-04' }, // repeating grade 5
    ]);
    expect(july.body).toMatchObject({ accepted: 1, rejected: 1 });
    // Sent again, the file changes nothing.
    const again = await rollover([{ ...row(71, 'graduated', { grade: 6 }), date: '2025-07-04' }]);
    expect(again.body).toMatchObject({ accepted: 0, unchanged: 1, rejected: 0 });
  });

  it('tells a county probing another county’s students nothing of their fate or dates', async () => {
    const { enrol, fact } = client(api.app);
    for (const serial of [91, 92, 93]) await enrol(serial, A, '2020-09-01', 1, 'new-entrant');
    await fact('deaths', 92, A, '2024-05-01');
    await fact('dropouts', 93, A, '2024-03-01', { reason: 'work' });
    // Nanshan's clerk says these Guangming students left Nanshan's own school X.
    const probe = await request(api.app.getHttpServer())
      .post('/v1/imports/student-rollover')
      .set('Authorization', bearer('district-clerk', '44/4403/440305'))
      .set('Content-Type', 'application/x-ndjson')
      .send(
        [91, 92, 93, 93]
          .map((serial, index) =>
            JSON.stringify({
              student: number(serial),
              ...X,
              date: index === 3 ? '2024-02-28' : '2024-09-01',
              outcome: 'left',
            }),
          )
          .join('\n'),
      )
      .expect(200);
    // On the register elsewhere, dead, dropped out, and a date before the dropout: one answer.
    expect(probe.body).toMatchObject({ rows: 4, unchanged: 4, rejected: 0 });
  });

  it('confirms what the school recorded already by other means: a class graduation, a repeat', async () => {
    const { enrol, fact } = client(api.app);
    for (const serial of [77, 78]) await enrol(serial, A, '2019-09-01', 1, 'new-entrant');
    await enrol(79, A, '2022-09-01', 1, 'new-entrant');
    await fact('repeats', 79, A, '2024-09-02', { grade: 2 });
    await request(api.app.getHttpServer())
      .post('/v1/students/class-graduations')
      .set('Authorization', admin)
      .send({ ...A, date: '2025-07-04', level: 'primary', except: [number(78)] })
      .expect(201);
    const exported = await rollover([
      { student: number(77), ...A, date: '2025-08-20', outcome: 'graduated', grade: 6 },
      { student: number(78), ...A, date: '2025-08-20', outcome: 'graduated', grade: 6 },
      { student: number(79), ...A, date: '2024-09-03', outcome: 'repeated', grade: 2 },
      { student: number(79), ...A, date: '2024-09-03', outcome: 'repeated', grade: 1 },
    ]);
    // 77 graduated with the class: confirmed; 78, excepted then, graduates now; 79's repeat
    // was sent over REST: confirmed; a repeat into another grade is still refused.
    expect(exported.body).toMatchObject({ accepted: 1, unchanged: 2, rejected: 1 });
    expect(
      (exported.body as { errors: { row: number; rule?: string }[] }).errors.map((error) => [
        error.row,
        error.rule,
      ]),
    ).toEqual([[4, 'student.grade-changed-this-year']]);
  });
});
