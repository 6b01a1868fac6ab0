import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { loadConfig } from '@junheng/platform';
import { TEST_IDENTITY_ENV, bearer, describeWith, eventually } from '@junheng/testing';
import { createApiApplication } from '../apps/api/src/api.factory';
import { TOPOLOGIES } from './topologies';

/**
 * CSV exports are safe to open (quality.md): a name a spreadsheet would run as a formula is
 * written as text. CSV is written by one function whatever the topology, so the embedded one
 * is enough here.
 */
const topology = TOPOLOGIES[0]!;

const admin = bearer('province-admin', '44');
const FORMULA_SCHOOL = '=HYPERLINK("http://x","y")';
const FORMULA_PROGRAMME = '@SUM(1)';

/** The cells of one CSV line (RFC 4180: quoted cells may hold commas and doubled quotes). */
function cells(line: string): string[] {
  const found: string[] = [];
  const cell = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
  for (let match = cell.exec(line); match !== null; match = cell.exec(line)) {
    found.push(match[1]!);
    if (match[2] === '') break;
  }
  return found;
}

function csvTable(text: string): Array<Record<string, string>> {
  const [header, ...lines] = text.split('\r\n').filter((line) => line !== '');
  const columns = cells(header!);
  return lines.map((line) => {
    const values = cells(line);
    return Object.fromEntries(columns.map((column, index) => [column, values[index] ?? '']));
  });
}

describeWith(topology.engines, `CSV exports (${topology.name})`, () => {
  let app: INestApplication<App>;
  let cleanUp: () => Promise<void>;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    const prepared = await topology.environment();
    cleanUp = prepared.cleanUp;
    app = await createApiApplication(
      loadConfig({ ...prepared.env, ...TEST_IDENTITY_ENV, JUNHENG_DEMO_DATA: 'false' }),
    );
    await app.init();
    await http()
      .post('/v1/schools')
      .set('Authorization', admin)
      .send({
        schoolCode: '4403110901',
        name: FORMULA_SCHOOL,
        districtCode: '440311',
        urbanRuralCode: '111',
        level: 'primary',
        weak: false,
        registeredOn: '2023-09-01',
      })
      .expect(201);
    await http()
      .post('/v1/fund-programmes')
      .set('Authorization', admin)
      .send({
        programmeId: 'formula-programme-2024',
        name: FORMULA_PROGRAMME,
        level: 'district',
        ownerCode: '440311',
        fiscalYear: 2024,
        budgetFen: 100_000,
        budgetedOn: '2024-03-01',
      })
      .expect(201);
    await http()
      .post('/v1/fund-programmes/allocations')
      .set('Authorization', admin)
      .send({
        programmeId: 'formula-programme-2024',
        allocationId: 'formula-allocation-1',
        districtCode: '440311',
        schoolCode: '4403110901',
        amountFen: 40_000,
        purpose: 'pairing-activity',
        allocatedOn: '2024-04-01',
      })
      .expect(201);
  });

  afterAll(async () => {
    await app?.close();
    await cleanUp?.();
  });

  it('writes a school named like a formula as text in the directory CSV', async () => {
    await eventually(async () => {
      const response = await http()
        .get('/v1/areas/440311/schools')
        .set('Authorization', admin)
        .set('Accept', 'text/csv')
        .expect(200)
        .expect('Content-Type', /text\/csv/);
      const text = response.text;
      // The cell is quoted and starts with a single quote: a spreadsheet shows it as text.
      expect(text).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
      expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
      const row = csvTable(text).find((school) => school.schoolCode === '4403110901');
      expect(row?.name).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    });
    // JSON answers carry the name exactly as registered.
    const json = await http()
      .get('/v1/areas/440311/schools')
      .set('Authorization', admin)
      .expect(200);
    expect(json.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: FORMULA_SCHOOL })]),
    );
  });

  it('writes a programme named like a formula as text, and its figures as numbers', async () => {
    await eventually(async () => {
      const response = await http()
        .get('/v1/indicators/budget-execution/figures')
        .set('Authorization', admin)
        .set('Accept', 'text/csv')
        .query({ area: '440311', grain: 'programme', schoolYear: 2024 })
        .expect(200);
      const row = csvTable(response.text).find(
        (figure) => figure.unit === 'formula-programme-2024',
      );
      expect(row).toBeDefined();
      expect(row!.name).toBe(`"'@SUM(1)"`);
      expect(response.text).not.toMatch(/(^|,)@SUM/m);
      // 400 of 1,000 yuan allocated: numbers stay bare numbers.
      expect(row!.value).toBe('40');
    });
  });
});
