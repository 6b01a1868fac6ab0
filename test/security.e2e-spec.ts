import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { systemCommandContext } from '../apps/api/src/commands/system-command-context';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Module } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { GraphQLSchemaHost, Query, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import { createApiApplication } from '../apps/api/src/api.factory';
import { ApiModule } from '../apps/api/src/api.module';
import { withCallerSlot } from '../apps/api/src/security/caller-context';
import { SCHEMA_FILE, printGraphqlSchema } from '../apps/api/src/graphql/graphql-schema';
import {
  OPENAPI_FILE,
  buildOpenApiDocument,
  printOpenApiDocument,
} from '../apps/api/src/openapi/openapi-document';
import type { CommandOutcome } from '../apps/api/src/commands/aggregate-command.executor';
import { FundProgrammeCommandMessage } from '../apps/api/src/funds/fund-programme.command';
import { SchoolCommandMessage } from '../apps/api/src/schools/school.command';
import { routeInventory } from '../apps/api/src/security/route-inventory';
import { EVENT_STORE, START_OF_LOG } from '@junheng/event-store';
import type { EventStore } from '@junheng/event-store';
import { ApiKeyRepository, issueApiKey, parseOrgScope } from '@junheng/identity';
import type { Role } from '@junheng/identity';
import { loadConfig } from '@junheng/platform';
import { TEST_IDENTITY_ENV, bearer, chdbTestPath, eventually, uniqueName } from '@junheng/testing';

/** A fresh embedded api (PGlite + chDB); `env` overrides settings. */
async function startApi(env: Record<string, string> = {}) {
  const pgliteDir = mkdtempSync(join(tmpdir(), 'junheng-security-'));
  const app = await createApiApplication(
    loadConfig({
      PGLITE_DATA_DIR: pgliteDir,
      CHDB_DATA_DIR: chdbTestPath(),
      CLICKHOUSE_DATABASE: uniqueName('security'),
      JUNHENG_DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
      // The matrix calls every route anonymously from one address: failed authentication is
      // throttled per address (test/rate-limits.e2e-spec.ts), not what this file is about.
      AUTH_FAILURES_PER_MINUTE: '1000000',
      ...TEST_IDENTITY_ENV,
      ...env,
    }),
  );
  await app.init();
  return {
    app: app as INestApplication<App>,
    stop: async () => {
      await app.close();
      rmSync(pgliteDir, { recursive: true, force: true });
    },
  };
}

// Guangming (光明区 440311) and Nanshan (南山区 440305) are in Shenzhen (4403), Guangdong (44);
// Tianhe (天河区 440106) is in Guangzhou (4401); Qingxiu (青秀区 450103) is in Guangxi (45).
const OWN_SCHOOL = '3144031101';
const callers: Record<
  Role,
  {
    scope: string;
    own: { district: string; school: string };
    other: { district: string; school: string };
  }
> = {
  'province-admin': {
    scope: '44',
    own: { district: '440311', school: OWN_SCHOOL },
    other: { district: '450103', school: '3145010301' },
  },
  'city-viewer': {
    scope: '44/4403',
    own: { district: '440311', school: OWN_SCHOOL },
    other: { district: '440106', school: '3144010601' },
  },
  'district-clerk': {
    scope: '44/4403/440311',
    own: { district: '440311', school: OWN_SCHOOL },
    other: { district: '440305', school: '3144030501' },
  },
  'school-clerk': {
    scope: `44/4403/440311/${OWN_SCHOOL}`,
    own: { district: '440311', school: OWN_SCHOOL },
    other: { district: '440311', school: '3144031102' },
  },
  inspector: {
    scope: '44',
    own: { district: '440311', school: OWN_SCHOOL },
    other: { district: '450103', school: '3145010301' },
  },
  dashboard: {
    scope: '44',
    own: { district: '440311', school: OWN_SCHOOL },
    other: { district: '450103', school: '3145010301' },
  },
};

type Target = 'own' | 'other';
interface Endpoint {
  readonly name: string;
  /** The row of EXPECTED this endpoint answers to (GraphQL twins share their REST row). */
  readonly expectation: string;
  readonly call: (
    app: App,
    auth: string | null,
    target: { district: string; school: string },
  ) => request.Test;
}

/**
 * REST answers with its status; GraphQL with 200 and, on refusal, the problem's status — but a
 * GraphQL request without credentials is refused before it is read, with a plain 401 problem.
 */
function effectiveStatus(endpoint: Endpoint, response: request.Response): number {
  if (!endpoint.name.startsWith('graphql') || response.status === 401) return response.status;
  const body = response.body as {
    errors?: Array<{ extensions?: { problem?: { status?: number } } }>;
  };
  if (body.errors !== undefined && body.errors.length > 0) {
    return body.errors[0]?.extensions?.problem?.status ?? 500;
  }
  return endpoint.name.startsWith('graphql mutation') ? 201 : 200;
}

function problemOf(
  endpoint: Endpoint,
  response: request.Response,
): { type?: string; status?: number } {
  if (!endpoint.name.startsWith('graphql') || response.status === 401)
    return response.body as { type?: string };
  const body = response.body as {
    errors?: Array<{ extensions?: { problem?: { type?: string } } }>;
  };
  return body.errors?.[0]?.extensions?.problem ?? {};
}

function graphql(
  app: App,
  auth: string | null,
  query: string,
  variables: Record<string, unknown>,
): request.Test {
  const test = request(app).post('/graphql');
  if (auth !== null) test.set('Authorization', auth);
  return test.send({ query, variables });
}

let teachers = 0;
/** A fresh, well-formed ID number per call, so the one-active-rotation rule never interferes. */
const someTeacher = () => `44031119900101${String((teachers += 1)).padStart(4, '0')}`;

const rotationOf = (target: { district: string; school: string }) => ({
  teacher: someTeacher(),
  fromDistrictCode: target.district,
  fromSchoolCode: target.school,
  toDistrictCode: '440311',
  toSchoolCode: '3144031199',
  kind: 'rotation',
  subject: 'english',
  backbone: false,
  startDate: '2024-09-01',
  plannedEndDate: '2025-07-15',
});

const FUTURE = '2099-09-01';

let students = 0;
const someStudent = () => `44031120150101${String((students += 1)).padStart(4, '0')}`;

/** route, mutation, input type, fields beyond the common ones. */
const STUDENT_OPERATIONS: ReadonlyArray<
  readonly [string, string, string, Record<string, unknown>]
> = [
  ['enrolments', 'enrolStudent', 'EnrolStudentInput', { grade: 1, entry: 'new-entrant' }],
  [
    'transfers',
    'transferStudent',
    'TransferStudentInput',
    { toSchoolCode: '3144031199', toDistrictCode: '440311' },
  ],
  ['dropouts', 'dropOutStudent', 'DropOutStudentInput', { reason: 'work' }],
  ['returns', 'returnStudent', 'ReturnStudentInput', { grade: 2, means: 'persuasion' }],
  ['suspensions', 'suspendStudent', 'SuspendStudentInput', {}],
  ['resumptions', 'resumeStudent', 'ResumeStudentInput', {}],
  ['repeats', 'repeatGrade', 'RepeatGradeInput', { grade: 1 }],
  ['skips', 'skipGrade', 'SkipGradeInput', { grade: 2 }],
  ['graduations', 'graduateStudent', 'GraduateStudentInput', {}],
  ['deaths', 'recordStudentDeath', 'RecordStudentDeathInput', {}],
  ['risk-flags', 'flagStudentAtRisk', 'FlagStudentAtRiskInput', { reason: 'wavering' }],
  ['risk-clearances', 'clearStudentRisk', 'ClearStudentRiskInput', {}],
];

const conditionsOf = (target: { district: string; school: string }) => ({
  schoolCode: target.school,
  schoolYear: 2024,
  reportedOn: '2024-10-08',
  primaryEnrolment: 500,
  juniorEnrolment: 200,
  teachingAuxiliaryAreaM2: 4_000,
  sportsAreaM2: 6_000,
  equipmentValueYuan: 1_500_000,
  computers: 60,
  books: 20_000,
  networkedMultimediaClassrooms: 18,
});
const staffingOf = (target: { district: string; school: string }) => ({
  schoolCode: target.school,
  schoolYear: 2024,
  reportedOn: '2024-10-08',
  fullTimeTeachers: 50,
  aboveQualificationTeachers: 45,
  intermediateTitleTeachers: 20,
  backboneTeachers: 5,
  peArtsTeachers: 6,
  rotationEligibleTeachers: 30,
});
/** A second registered school in a district: 31 + district code + 99. */
const partnerSchoolOf = (districtCode: string) => `31${districtCode}99`;
let pairings = 0;
const pairingOf = (target: { district: string; school: string }) => ({
  pairingId: `matrix-pairing-${(pairings += 1)}`,
  programme: '百校扶百校',
  supportingSchoolCode: target.school,
  supportingDistrictCode: target.district,
  receivingSchoolCode: partnerSchoolOf(target.district),
  receivingDistrictCode: target.district,
  forms: ['teaching'],
  startDate: '2024-09-01',
  endDate: '2027-08-31',
});

let programmes = 0;
/** A new district programme owned by the target's district. */
const programmeOf = (target: { district: string; school: string }) => ({
  programmeId: `matrix-new-${(programmes += 1)}`,
  name: '测试专项',
  level: 'district',
  ownerCode: target.district,
  fiscalYear: 2024,
  budgetFen: 100_000_000,
  budgetedOn: '2024-03-01',
});
/** Every target district has a programme `matrix-<district>` (budgeted before the matrix). */
const allocationOf = (target: { district: string; school: string }) => ({
  programmeId: `matrix-${target.district}`,
  districtCode: target.district,
  schoolCode: target.school,
  amountFen: 100,
  purpose: 'equipment',
  allocatedOn: '2024-04-01',
});
const revocationOf = (target: { district: string; school: string }) => ({
  programmeId: `matrix-${target.district}`,
  allocationId: 'no-such-allocation',
  revokedOn: '2024-05-01',
  reason: 'test',
});

let schools = 0;
/** A school not registered yet, in the target's district. */
const schoolOf = (target: { district: string; school: string }) => ({
  schoolCode: `39${target.district.slice(0, 4)}${String((schools += 1)).padStart(4, '0')}`,
  name: '测试学校',
  districtCode: target.district,
  urbanRuralCode: '210',
  level: 'primary',
  weak: false,
  registeredOn: '2015-09-01',
});

const exchangeOf = (target: { district: string; school: string }) => ({
  districtCode: target.district,
  hostSchoolCode: target.school,
  visitingSchoolCode: '3144030599',
  kind: 'open',
  subject: 'chinese',
  date: '2024-10-10',
  attendees: 12,
});

const ENDPOINTS: readonly Endpoint[] = [
  {
    name: 'POST /v1/lesson-exchanges',
    expectation: 'POST /v1/lesson-exchanges',
    call: (app, auth, target) => {
      const test = request(app).post('/v1/lesson-exchanges');
      if (auth !== null) test.set('Authorization', auth);
      return test.send(exchangeOf(target));
    },
  },
  {
    name: 'graphql mutation recordLessonExchange',
    expectation: 'POST /v1/lesson-exchanges',
    call: (app, auth, target) =>
      graphql(
        app,
        auth,
        'mutation ($input: RecordLessonExchangeInput!) { recordLessonExchange(input: $input) { eventIds replayed } }',
        { input: exchangeOf(target) },
      ),
  },
  {
    name: 'POST /v1/teacher-rotations',
    expectation: 'start a rotation',
    call: (app, auth, target) => {
      const test = request(app).post('/v1/teacher-rotations');
      if (auth !== null) test.set('Authorization', auth);
      return test.send(rotationOf(target));
    },
  },
  {
    name: 'graphql mutation startTeacherRotation',
    expectation: 'start a rotation',
    call: (app, auth, target) =>
      graphql(
        app,
        auth,
        'mutation ($input: StartTeacherRotationInput!) { startTeacherRotation(input: $input) { eventIds } }',
        { input: rotationOf(target) },
      ),
  },
  {
    name: 'POST /v1/teacher-rotations/end',
    expectation: 'end a rotation',
    call: (app, auth) => {
      const test = request(app).post('/v1/teacher-rotations/end');
      if (auth !== null) test.set('Authorization', auth);
      return test.send({ teacher: someTeacher(), endDate: '2024-10-10' });
    },
  },
  {
    name: 'graphql mutation endTeacherRotation',
    expectation: 'end a rotation',
    call: (app, auth) =>
      graphql(
        app,
        auth,
        'mutation ($input: EndTeacherRotationInput!) { endTeacherRotation(input: $input) { eventIds } }',
        { input: { teacher: someTeacher(), endDate: '2024-10-10' } },
      ),
  },
  {
    name: 'POST /v1/schools',
    expectation: 'register a school',
    call: (app, auth, target) => {
      const test = request(app).post('/v1/schools');
      if (auth !== null) test.set('Authorization', auth);
      return test.send(schoolOf(target));
    },
  },
  {
    name: 'graphql mutation registerSchool',
    expectation: 'register a school',
    call: (app, auth, target) =>
      graphql(
        app,
        auth,
        'mutation ($input: RegisterSchoolInput!) { registerSchool(input: $input) { eventIds } }',
        {
          input: schoolOf(target),
        },
      ),
  },
  {
    name: 'POST /v1/schools/reclassifications',
    expectation: 'POST /v1/lesson-exchanges',
    call: (app, auth, target) => {
      const test = request(app).post('/v1/schools/reclassifications');
      if (auth !== null) test.set('Authorization', auth);
      return test.send({
        schoolCode: target.school,
        urbanRuralCode: '121',
        effectiveOn: '2020-09-01',
      });
    },
  },
  {
    name: 'graphql mutation reclassifySchool',
    expectation: 'POST /v1/lesson-exchanges',
    call: (app, auth, target) =>
      graphql(
        app,
        auth,
        'mutation ($input: ReclassifySchoolInput!) { reclassifySchool(input: $input) { eventIds } }',
        {
          input: { schoolCode: target.school, urbanRuralCode: '121', effectiveOn: '2020-09-01' },
        },
      ),
  },
  // Moves, merges and closures are dated in the future: whoever passes authorization meets the
  // domain's calendar rule (422), so the matrix changes no school.
  {
    name: 'POST /v1/schools/district-moves',
    expectation: 'move a school',
    call: (app, auth, target) => {
      const test = request(app).post('/v1/schools/district-moves');
      if (auth !== null) test.set('Authorization', auth);
      return test.send({
        schoolCode: target.school,
        toDistrictCode: target.district,
        effectiveOn: FUTURE,
      });
    },
  },
  {
    name: 'graphql mutation moveSchoolToDistrict',
    expectation: 'move a school',
    call: (app, auth, target) =>
      graphql(
        app,
        auth,
        'mutation ($input: MoveSchoolToDistrictInput!) { moveSchoolToDistrict(input: $input) { eventIds } }',
        {
          input: {
            schoolCode: target.school,
            toDistrictCode: target.district,
            effectiveOn: FUTURE,
          },
        },
      ),
  },
  {
    name: 'POST /v1/schools/merges',
    expectation: 'merge a school',
    call: (app, auth, target) => {
      const test = request(app).post('/v1/schools/merges');
      if (auth !== null) test.set('Authorization', auth);
      return test.send({
        schoolCode: target.school,
        intoSchoolCode: '3144031199',
        effectiveOn: FUTURE,
      });
    },
  },
  {
    name: 'graphql mutation mergeSchool',
    expectation: 'merge a school',
    call: (app, auth, target) =>
      graphql(
        app,
        auth,
        'mutation ($input: MergeSchoolInput!) { mergeSchool(input: $input) { eventIds } }',
        {
          input: { schoolCode: target.school, intoSchoolCode: '3144031199', effectiveOn: FUTURE },
        },
      ),
  },
  {
    name: 'POST /v1/schools/closures',
    expectation: 'end a school',
    call: (app, auth, target) => {
      const test = request(app).post('/v1/schools/closures');
      if (auth !== null) test.set('Authorization', auth);
      return test.send({ schoolCode: target.school, effectiveOn: FUTURE });
    },
  },
  {
    name: 'graphql mutation closeSchool',
    expectation: 'end a school',
    call: (app, auth, target) =>
      graphql(
        app,
        auth,
        'mutation ($input: CloseSchoolInput!) { closeSchool(input: $input) { eventIds } }',
        {
          input: { schoolCode: target.school, effectiveOn: FUTURE },
        },
      ),
  },
  // Budgeting and allocating need the programme owner's org unit in scope (a school scope has
  // none); revoking an unknown allocation meets the domain's answer (422) once authorised.
  {
    name: 'POST /v1/fund-programmes',
    expectation: 'register a school',
    call: (app, auth, target) => {
      const test = request(app).post('/v1/fund-programmes');
      if (auth !== null) test.set('Authorization', auth);
      return test.send(programmeOf(target));
    },
  },
  {
    name: 'graphql mutation budgetProgramme',
    expectation: 'register a school',
    call: (app, auth, target) =>
      graphql(
        app,
        auth,
        'mutation ($input: BudgetProgrammeInput!) { budgetProgramme(input: $input) { eventIds } }',
        {
          input: programmeOf(target),
        },
      ),
  },
  {
    name: 'POST /v1/fund-programmes/allocations',
    expectation: 'register a school',
    call: (app, auth, target) => {
      const test = request(app).post('/v1/fund-programmes/allocations');
      if (auth !== null) test.set('Authorization', auth);
      return test.send(allocationOf(target));
    },
  },
  {
    name: 'graphql mutation allocateFunds',
    expectation: 'register a school',
    call: (app, auth, target) =>
      graphql(
        app,
        auth,
        'mutation ($input: AllocateFundsInput!) { allocateFunds(input: $input) { eventIds } }',
        {
          input: allocationOf(target),
        },
      ),
  },
  {
    name: 'POST /v1/fund-programmes/revocations',
    expectation: 'move a school',
    call: (app, auth, target) => {
      const test = request(app).post('/v1/fund-programmes/revocations');
      if (auth !== null) test.set('Authorization', auth);
      return test.send(revocationOf(target));
    },
  },
  {
    name: 'graphql mutation revokeAllocation',
    expectation: 'move a school',
    call: (app, auth, target) =>
      graphql(
        app,
        auth,
        'mutation ($input: RevokeAllocationInput!) { revokeAllocation(input: $input) { eventIds } }',
        {
          input: revocationOf(target),
        },
      ),
  },
  // Student facts: an enrolment of a new student as the lesson-exchange row; every other fact
  // about a student nobody enrolled meets the domain's answer (422) once authorised.
  ...STUDENT_OPERATIONS.flatMap(([route, mutation, input, extra]): Endpoint[] => {
    const expectation =
      route === 'enrolments'
        ? 'POST /v1/lesson-exchanges'
        : route === 'transfers'
          ? 'transfer a student'
          : 'end a school';
    const body = (target: { district: string; school: string }) => ({
      student: `G${someStudent()}`,
      schoolCode: target.school,
      districtCode: target.district,
      date: '2024-09-01',
      ...extra,
    });
    return [
      {
        name: `POST /v1/students/${route}`,
        expectation,
        call: (app, auth, target) => {
          const test = request(app).post(`/v1/students/${route}`);
          if (auth !== null) test.set('Authorization', auth);
          return test.send(body(target));
        },
      },
      {
        name: `graphql mutation ${mutation}`,
        expectation,
        call: (app, auth, target) =>
          graphql(
            app,
            auth,
            `mutation ($input: ${input}!) { ${mutation}(input: $input) { eventIds } }`,
            {
              input: body(target),
            },
          ),
      },
    ];
  }),
  // A class graduation is a fact about a school's final grade: recorded (even when nobody is in
  // it) for the school's own callers, refused to others.
  ...((): Endpoint[] => {
    const body = (target: { district: string; school: string }) => ({
      schoolCode: target.school,
      districtCode: target.district,
      date: '2025-07-04',
      level: 'primary',
      except: [],
    });
    return [
      {
        name: 'POST /v1/students/class-graduations',
        expectation: 'POST /v1/lesson-exchanges',
        call: (app, auth, target) => {
          const test = request(app).post('/v1/students/class-graduations');
          if (auth !== null) test.set('Authorization', auth);
          return test.send(body(target));
        },
      },
      {
        name: 'graphql mutation graduateClass',
        expectation: 'POST /v1/lesson-exchanges',
        call: (app, auth, target) =>
          graphql(
            app,
            auth,
            'mutation ($input: GraduateClassInput!) { graduateClass(input: $input) { graduated } }',
            { input: body(target) },
          ),
      },
    ];
  })(),
  // Annual reports are facts about a school, like lesson exchanges.
  {
    name: 'POST /v1/schools/conditions-reports',
    expectation: 'POST /v1/lesson-exchanges',
    call: (app, auth, target) => {
      const test = request(app).post('/v1/schools/conditions-reports');
      if (auth !== null) test.set('Authorization', auth);
      return test.send(conditionsOf(target));
    },
  },
  {
    name: 'graphql mutation reportSchoolConditions',
    expectation: 'POST /v1/lesson-exchanges',
    call: (app, auth, target) =>
      graphql(
        app,
        auth,
        'mutation ($input: ReportSchoolConditionsInput!) { reportSchoolConditions(input: $input) { eventIds } }',
        { input: conditionsOf(target) },
      ),
  },
  {
    name: 'POST /v1/schools/staffing-reports',
    expectation: 'POST /v1/lesson-exchanges',
    call: (app, auth, target) => {
      const test = request(app).post('/v1/schools/staffing-reports');
      if (auth !== null) test.set('Authorization', auth);
      return test.send(staffingOf(target));
    },
  },
  {
    name: 'graphql mutation reportSchoolStaffing',
    expectation: 'POST /v1/lesson-exchanges',
    call: (app, auth, target) =>
      graphql(
        app,
        auth,
        'mutation ($input: ReportSchoolStaffingInput!) { reportSchoolStaffing(input: $input) { eventIds } }',
        {
          input: staffingOf(target),
        },
      ),
  },
  // A pairing needs both schools in scope (a school scope holds one at most); ending an unknown
  // pairing meets the domain's answer.
  {
    name: 'POST /v1/pairings',
    expectation: 'register a school',
    call: (app, auth, target) => {
      const test = request(app).post('/v1/pairings');
      if (auth !== null) test.set('Authorization', auth);
      return test.send(pairingOf(target));
    },
  },
  {
    name: 'graphql mutation establishPairing',
    expectation: 'register a school',
    call: (app, auth, target) =>
      graphql(
        app,
        auth,
        'mutation ($input: EstablishPairingInput!) { establishPairing(input: $input) { eventIds } }',
        {
          input: pairingOf(target),
        },
      ),
  },
  {
    name: 'POST /v1/pairings/endings',
    expectation: 'end a rotation',
    call: (app, auth) => {
      const test = request(app).post('/v1/pairings/endings');
      if (auth !== null) test.set('Authorization', auth);
      return test.send({ pairingId: 'no-such-pairing', endedOn: '2024-10-01', reason: 'test' });
    },
  },
  {
    name: 'graphql mutation endPairing',
    expectation: 'end a rotation',
    call: (app, auth) =>
      graphql(
        app,
        auth,
        'mutation ($input: EndPairingInput!) { endPairing(input: $input) { eventIds } }',
        {
          input: { pairingId: 'no-such-pairing', endedOn: '2024-10-01', reason: 'test' },
        },
      ),
  },
  // An import is refused by permission as a whole; scope is then judged row by row, in the
  // report (an out-of-scope row is a rejected row, not a refused request).
  {
    name: 'POST /v1/imports/:kind',
    expectation: 'import',
    call: (app, auth, target) => {
      const test = request(app)
        .post('/v1/imports/student-records')
        .set('Content-Type', 'application/x-ndjson');
      if (auth !== null) test.set('Authorization', auth);
      return test.send(
        `${JSON.stringify({ event: 'enrolment', student: `G${someStudent()}`, schoolCode: target.school, districtCode: target.district, date: '2024-09-01', grade: 1, entry: 'new-entrant' })}\n`,
      );
    },
  },
  {
    name: 'graphql query lessonExchangeIndicator',
    expectation: 'GET /v1/indicators/lesson-exchanges',
    call: (app, auth, target) =>
      graphql(
        app,
        auth,
        'query ($district: String!) { lessonExchangeIndicator(district: $district, month: "2024-10") { exchanges attendees freshness { globalPosition } } }',
        { district: target.district },
      ),
  },
  {
    name: 'graphql query auditTrail',
    expectation: 'GET /v1/audit',
    call: (app, auth) =>
      graphql(app, auth, '{ auditTrail(limit: 5) { entries { action } next } }', {}),
  },
  {
    name: 'GET /v1/indicators/lesson-exchanges',
    expectation: 'GET /v1/indicators/lesson-exchanges',
    call: (app, auth, target) => {
      const test = request(app)
        .get('/v1/indicators/lesson-exchanges')
        .query({ district: target.district, month: '2024-10' });
      if (auth !== null) test.set('Authorization', auth);
      return test;
    },
  },
  // The dashboard: an area is read by the district code of the target, a school by its code.
  ...(
    [
      ['scorecard', { schoolYear: 2024 }],
      ['breaches', { schoolYear: 2024, grain: 'school' }],
      ['schools', {}],
    ] as const
  ).map(([read, query]): Endpoint => ({
    name: `GET /v1/areas/:code/${read}`,
    expectation: 'read an area',
    call: (app, auth, target) => {
      const test = request(app).get(`/v1/areas/${target.district}/${read}`).query(query);
      if (auth !== null) test.set('Authorization', auth);
      return test;
    },
  })),
  {
    name: 'GET /v1/areas/:code/live',
    expectation: 'read an area',
    // A stream that is allowed stays open: read its status and hang up.
    call: (app, auth, target) => {
      const test = request(app)
        .get(`/v1/areas/${target.district}/live`)
        .query({ schoolYear: 2024 })
        .buffer(true)
        .parse((response, done) => {
          const stream = response as unknown as IncomingMessage;
          if (stream.statusCode === 200) {
            stream.destroy();
            done(null, {});
            return;
          }
          let text = '';
          stream.setEncoding('utf8');
          stream.on('data', (chunk: string) => (text += chunk));
          stream.on('end', () => done(null, JSON.parse(text) as unknown));
        });
      if (auth !== null) test.set('Authorization', auth);
      return test;
    },
  },
  {
    name: 'graphql query area',
    expectation: 'read an area',
    call: (app, auth, target) =>
      graphql(
        app,
        auth,
        'query ($code: String) { area(code: $code) { code scorecard(schoolYear: 2024) { breaches } } }',
        { code: target.district },
      ),
  },
  ...(['figures', 'series', 'events'] as const).map((read): Endpoint => ({
    name: `GET /v1/indicators/:indicator/${read}`,
    expectation: 'read a school',
    call: (app, auth, target) => {
      const test = request(app).get(`/v1/indicators/dropout-rate/${read}`).query({
        schoolYear: 2024,
        area: target.district,
        grain: 'school',
        unit: target.school,
      });
      if (auth !== null) test.set('Authorization', auth);
      return test;
    },
  })),
  {
    name: 'GET /v1/schools/:code/scorecard',
    expectation: 'read a school',
    call: (app, auth, target) => {
      const test = request(app)
        .get(`/v1/schools/${target.school}/scorecard`)
        .query({ schoolYear: 2024 });
      if (auth !== null) test.set('Authorization', auth);
      return test;
    },
  },
  {
    name: 'graphql query school',
    expectation: 'read a school',
    call: (app, auth, target) =>
      graphql(
        app,
        auth,
        'query ($code: String!) { school(code: $code) { schoolCode indicator(indicator: DROPOUT_RATE, schoolYear: 2024) { figures { value } } } }',
        { code: target.school },
      ),
  },
  {
    name: 'GET /v1/indicators',
    expectation: 'read the indicator catalogue',
    call: (app, auth) => {
      const test = request(app).get('/v1/indicators');
      if (auth !== null) test.set('Authorization', auth);
      return test;
    },
  },
  {
    name: 'graphql query indicatorCatalogue',
    expectation: 'read the indicator catalogue',
    call: (app, auth) => graphql(app, auth, '{ indicatorCatalogue { name title grains } }', {}),
  },
  {
    name: 'GET /v1/audit',
    expectation: 'GET /v1/audit',
    call: (app, auth) => {
      const test = request(app).get('/v1/audit').query({ limit: 5 });
      if (auth !== null) test.set('Authorization', auth);
      return test;
    },
  },
];

/** The expected status of every role × endpoint × own/other scope (docs/security.md). */
const EXPECTED: Record<Role, Record<string, Record<Target, number>>> = {
  'province-admin': {
    'read an area': { own: 200, other: 403 },
    'read a school': { own: 200, other: 403 },
    'read the indicator catalogue': { own: 200, other: 200 },
    'POST /v1/lesson-exchanges': { own: 201, other: 403 },
    'GET /v1/indicators/lesson-exchanges': { own: 200, other: 403 },
    'GET /v1/audit': { own: 200, other: 200 },
    // No active rotation: who may record facts reaches the domain's answer.
    'end a rotation': { own: 422, other: 422 },
    'register a school': { own: 201, other: 403 },
    'move a school': { own: 422, other: 403 },
    'end a school': { own: 422, other: 403 },
    'start a rotation': { own: 201, other: 403 },
    'transfer a student': { own: 422, other: 403 },
    'merge a school': { own: 422, other: 403 },
    import: { own: 200, other: 200 },
  },
  'city-viewer': {
    'read an area': { own: 200, other: 403 },
    'read a school': { own: 200, other: 403 },
    'read the indicator catalogue': { own: 200, other: 200 },
    'POST /v1/lesson-exchanges': { own: 403, other: 403 },
    'GET /v1/indicators/lesson-exchanges': { own: 200, other: 403 },
    'GET /v1/audit': { own: 403, other: 403 },
    // No active rotation: who may record facts reaches the domain's answer.
    'end a rotation': { own: 403, other: 403 },
    'register a school': { own: 403, other: 403 },
    'move a school': { own: 403, other: 403 },
    'end a school': { own: 403, other: 403 },
    'start a rotation': { own: 403, other: 403 },
    'transfer a student': { own: 403, other: 403 },
    'merge a school': { own: 403, other: 403 },
    import: { own: 403, other: 403 },
  },
  'district-clerk': {
    'read an area': { own: 200, other: 403 },
    'read a school': { own: 200, other: 403 },
    'read the indicator catalogue': { own: 200, other: 200 },
    'POST /v1/lesson-exchanges': { own: 201, other: 403 },
    'GET /v1/indicators/lesson-exchanges': { own: 200, other: 403 },
    'GET /v1/audit': { own: 403, other: 403 },
    // No active rotation: who may record facts reaches the domain's answer.
    'end a rotation': { own: 422, other: 422 },
    'register a school': { own: 201, other: 403 },
    'move a school': { own: 422, other: 403 },
    'end a school': { own: 422, other: 403 },
    'start a rotation': { own: 201, other: 403 },
    'transfer a student': { own: 422, other: 403 },
    'merge a school': { own: 422, other: 403 },
    import: { own: 200, other: 200 },
  },
  'school-clerk': {
    // A school clerk reads its own school's figures, never an area's.
    'read an area': { own: 403, other: 403 },
    'read a school': { own: 200, other: 403 },
    'read the indicator catalogue': { own: 200, other: 200 },
    'POST /v1/lesson-exchanges': { own: 201, other: 403 },
    // A district figure covers other schools: a school scope never reads it.
    'GET /v1/indicators/lesson-exchanges': { own: 403, other: 403 },
    'GET /v1/audit': { own: 403, other: 403 },
    // No active rotation: who may record facts reaches the domain's answer.
    'end a rotation': { own: 422, other: 422 },
    // A school scope never covers a district, so a school clerk registers no school.
    'register a school': { own: 403, other: 403 },
    'move a school': { own: 403, other: 403 },
    'end a school': { own: 422, other: 403 },
    // A second school changes too (the receiving school, the merge target): a school
    // scope holds only its own, so a school clerk's county records these.
    'start a rotation': { own: 403, other: 403 },
    'transfer a student': { own: 403, other: 403 },
    'merge a school': { own: 403, other: 403 },
    import: { own: 200, other: 200 },
  },
  inspector: {
    'read an area': { own: 200, other: 403 },
    'read a school': { own: 200, other: 403 },
    'read the indicator catalogue': { own: 200, other: 200 },
    'POST /v1/lesson-exchanges': { own: 403, other: 403 },
    'GET /v1/indicators/lesson-exchanges': { own: 200, other: 403 },
    'GET /v1/audit': { own: 403, other: 403 },
    // No active rotation: who may record facts reaches the domain's answer.
    'end a rotation': { own: 403, other: 403 },
    'register a school': { own: 403, other: 403 },
    'move a school': { own: 403, other: 403 },
    'end a school': { own: 403, other: 403 },
    'start a rotation': { own: 403, other: 403 },
    'transfer a student': { own: 403, other: 403 },
    'merge a school': { own: 403, other: 403 },
    import: { own: 403, other: 403 },
  },
  dashboard: {
    'read an area': { own: 200, other: 403 },
    'read a school': { own: 200, other: 403 },
    'read the indicator catalogue': { own: 200, other: 200 },
    'POST /v1/lesson-exchanges': { own: 403, other: 403 },
    'GET /v1/indicators/lesson-exchanges': { own: 200, other: 403 },
    'GET /v1/audit': { own: 403, other: 403 },
    // No active rotation: who may record facts reaches the domain's answer.
    'end a rotation': { own: 403, other: 403 },
    'register a school': { own: 403, other: 403 },
    'move a school': { own: 403, other: 403 },
    'end a school': { own: 403, other: 403 },
    'start a rotation': { own: 403, other: 403 },
    'transfer a student': { own: 403, other: 403 },
    'merge a school': { own: 403, other: 403 },
    import: { own: 403, other: 403 },
  },
};

describe('security of the api', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    api = await startApi();
    // Every school the matrix targets exists in its district, registered by Junheng itself.
    const targets = new Map<string, string>();
    for (const caller of Object.values(callers)) {
      targets.set(caller.own.school, caller.own.district);
      targets.set(caller.other.school, caller.other.district);
    }
    // The schools the commands name beside the caller's target: each district's partner school
    // (rotations, pairings, merges, visits) and the schools of the read-side scenarios.
    for (const districtCode of new Set(targets.values()))
      targets.set(partnerSchoolOf(districtCode), districtCode);
    targets.set('3144030502', '440305');
    targets.set('3144031102', '440311');
    const commandBus = api.app.get(CommandBus);
    for (const districtCode of new Set(targets.values())) {
      await commandBus.execute(
        new FundProgrammeCommandMessage(
          {
            type: 'BudgetProgramme',
            programmeId: `matrix-${districtCode}`,
            name: '测试专项',
            level: 'district',
            ownerCode: districtCode,
            fiscalYear: 2024,
            budgetFen: 1_000_000_000,
            budgetedOn: '2024-03-01',
          },
          systemCommandContext({
            actor: 'test',
            key: `programme-${districtCode}`,
            command: { key: `programme-${districtCode}` },
          }),
        ),
      );
    }
    let registered = 0;
    for (const [schoolCode, districtCode] of targets) {
      const outcome: CommandOutcome = await commandBus.execute(
        new SchoolCommandMessage(
          {
            type: 'RegisterSchool',
            schoolCode,
            name: '测试学校',
            districtCode,
            urbanRuralCode: '220',
            level: 'nine-year',
            weak: false,
            registeredOn: '2015-09-01',
          },
          systemCommandContext({
            actor: 'test',
            key: `register-${schoolCode}`,
            command: { key: `register-${schoolCode}` },
          }),
        ),
      );
      registered = Math.max(registered, outcome.globalPosition ?? 0);
    }
    // The dashboard finds schools in the projection: read once the last one is there.
    await eventually(() =>
      request(api.app.getHttpServer())
        .get('/v1/areas/44/schools')
        .set('Authorization', bearer('province-admin', '44'))
        .query({ minPosition: registered })
        .expect(200),
    );
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('describes the REST API exactly as the committed OpenAPI document (npm run sync:openapi)', () => {
    expect(printOpenApiDocument(buildOpenApiDocument(api.app))).toBe(
      readFileSync(OPENAPI_FILE, 'utf8'),
    );
  });

  it('serves exactly the committed GraphQL schema (npm run sync:schema regenerates it)', () => {
    const served = printGraphqlSchema(api.app.get(GraphQLSchemaHost).schema);
    expect(served).toBe(readFileSync(SCHEMA_FILE, 'utf8'));
  });

  it('declares a permission on every route; only health and metrics are anonymous', () => {
    const routes = routeInventory(api.app);
    expect(routes.length).toBeGreaterThanOrEqual(5);
    expect(routes.filter((route) => route.access === null)).toEqual([]);
    expect(
      routes
        .filter((route) => route.access === 'anonymous')
        .map((route) => `${route.method} ${route.path}`),
    ).toEqual(['GET /health/live', 'GET /health/ready', 'GET /metrics']);
    expect(routes).toEqual(
      expect.arrayContaining([
        { method: 'POST', path: '/v1/lesson-exchanges', access: 'facts:record' },
        { method: 'GET', path: '/v1/indicators/lesson-exchanges', access: 'indicators:read' },
        { method: 'GET', path: '/v1/audit', access: 'audit:read' },
      ]),
    );
  });

  it('puts every protected route and GraphQL field of the running app in the matrix', () => {
    const protectedOperations = routeInventory(api.app)
      .filter((route) => route.access !== 'anonymous')
      .map((route) =>
        route.path.startsWith('graphql:')
          ? `graphql ${route.method.toLowerCase()} ${route.path.slice('graphql:'.length)}`
          : `${route.method} ${route.path}`,
      )
      .sort();
    expect(ENDPOINTS.map((endpoint) => endpoint.name).sort()).toEqual(protectedOperations);
  });

  describe('authorization matrix', () => {
    for (const role of Object.keys(EXPECTED) as Role[]) {
      for (const endpoint of ENDPOINTS) {
        for (const target of ['own', 'other'] as const) {
          const expected = EXPECTED[role][endpoint.expectation]![target];
          it(`${role} → ${endpoint.name} (${target} scope) → ${expected}`, async () => {
            const caller = callers[role];
            const response = await endpoint.call(
              api.app.getHttpServer(),
              bearer(role, caller.scope),
              caller[target],
            );
            expect(effectiveStatus(endpoint, response)).toBe(expected);
            if (expected === 403) {
              if (!endpoint.name.startsWith('graphql')) {
                expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
              }
              expect([
                'urn:junheng:problem:forbidden',
                'urn:junheng:problem:out-of-scope',
              ]).toContain(problemOf(endpoint, response).type);
            }
          });
        }
      }
    }

    it.each(ENDPOINTS.map((endpoint) => endpoint.name))(
      'anonymous → %s → 401 problem',
      async (name) => {
        const endpoint = ENDPOINTS.find((candidate) => candidate.name === name)!;
        const response = await endpoint.call(
          api.app.getHttpServer(),
          null,
          callers['district-clerk'].own,
        );
        expect(effectiveStatus(endpoint, response)).toBe(401);
        expect(problemOf(endpoint, response)).toMatchObject({
          type: 'urn:junheng:problem:unauthenticated',
          status: 401,
        });
        expect(response.headers['www-authenticate']).toBe('Bearer realm="junheng"');
      },
    );

    it('refuses forged, expired and malformed credentials with 401', async () => {
      const server = api.app.getHttpServer();
      const valid = bearer('province-admin', '44');
      const forged = `${valid.slice(0, -4)}AAAA`;
      for (const authorization of [forged, 'Bearer not.a.token', 'Basic dXNlcjpwYXNz']) {
        const response = await request(server)
          .get('/v1/indicators/lesson-exchanges')
          .query({ district: '440311', month: '2024-10' })
          .set('Authorization', authorization);
        expect(response.status).toBe(401);
      }
      await request(server).get('/health/live').expect(200);
      await request(server).get('/metrics').expect(200);
    });
  });

  it('answers out-of-scope commands with the facts that were out of scope, and appends nothing', async () => {
    const server = api.app.getHttpServer();
    const clerk = callers['district-clerk'];
    const refused = await ENDPOINTS[0]!.call(
      server,
      bearer('district-clerk', clerk.scope),
      clerk.other,
    );
    expect(refused.body).toMatchObject({
      type: 'urn:junheng:problem:out-of-scope',
      facts: {
        scope: clerk.scope,
        districtCode: clerk.other.district,
        schoolCode: clerk.other.school,
      },
    });
    const nanshan = await request(server)
      .get('/v1/indicators/lesson-exchanges')
      .set('Authorization', bearer('city-viewer', '44/4403'))
      .query({ district: '440305', month: '2024-10' })
      .expect(200);
    expect(nanshan.body).toMatchObject({ exchanges: 0 });
  });

  it('authenticates machine clients by API key, stored hashed, until revoked', async () => {
    const keys = api.app.get(ApiKeyRepository);
    const issued = issueApiKey();
    await keys.create(issued, {
      name: 'provincial dashboard',
      role: 'dashboard',
      scope: parseOrgScope('44'),
    });
    const read = () =>
      request(api.app.getHttpServer())
        .get('/v1/indicators/lesson-exchanges')
        .set('X-Api-Key', issued.key)
        .query({ district: '440311', month: '2024-10' });
    expect((await read()).status).toBe(200);
    const wrongSecret = `${issued.key.slice(0, -3)}abc`;
    await request(api.app.getHttpServer())
      .get('/v1/indicators/lesson-exchanges')
      .set('X-Api-Key', wrongSecret)
      .query({ district: '440311', month: '2024-10' })
      .expect(401);
    expect(await keys.revoke(issued.id)).toBe(true);
    expect((await read()).status).toBe(401);
  });

  it('audits accepted, rejected and denied commands and answered queries, readable by province administrators', async () => {
    const server = api.app.getHttpServer();
    const subject = uniqueName('clerk');
    const clerk = bearer('district-clerk', '44/4403/440311', subject);
    const body = {
      districtCode: '440311',
      hostSchoolCode: OWN_SCHOOL,
      visitingSchoolCode: '3144030502',
      kind: 'lecture',
      subject: 'science',
      date: '2024-10-11',
      attendees: 30,
    };
    await request(server)
      .post('/v1/lesson-exchanges')
      .set('Authorization', clerk)
      .send(body)
      .expect(201);
    await request(server)
      .post('/v1/lesson-exchanges')
      .set('Authorization', clerk)
      .send({ ...body, visitingSchoolCode: OWN_SCHOOL })
      .expect(422);
    await request(server)
      .post('/v1/lesson-exchanges')
      .set('Authorization', clerk)
      .send({ ...body, districtCode: '440305', hostSchoolCode: '3144030501' })
      .expect(403);
    await request(server)
      .get('/v1/indicators/lesson-exchanges')
      .set('Authorization', clerk)
      .query({ district: '440311', month: '2024-10' })
      .expect(200);
    await request(server).get('/v1/audit').set('Authorization', clerk).expect(403);

    const trail = await request(server)
      .get('/v1/audit')
      .set('Authorization', bearer('province-admin', '44'))
      .query({ caller: subject })
      .expect(200);
    const entries = (trail.body as { entries: Array<Record<string, unknown>> }).entries;
    expect(
      entries.map((entry) => [
        entry.kind,
        entry.action,
        entry.outcome,
        entry.status,
        entry.problemType,
      ]),
    ).toEqual([
      ['query', 'GET /v1/audit', 'rejected', 403, 'urn:junheng:problem:forbidden'],
      ['query', 'GET /v1/indicators/lesson-exchanges', 'answered', 200, null],
      ['command', 'POST /v1/lesson-exchanges', 'rejected', 403, 'urn:junheng:problem:out-of-scope'],
      [
        'command',
        'POST /v1/lesson-exchanges',
        'rejected',
        422,
        'urn:junheng:problem:rule:lesson-exchange.same-school',
      ],
      ['command', 'POST /v1/lesson-exchanges', 'accepted', 201, null],
    ]);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        callerSubject: subject,
        callerRole: 'district-clerk',
        callerScope: '44/4403/440311',
      });
      expect(entry.parametersDigest).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(entry)).not.toContain('science');
    }
    const [command, rejected] = [entries[4]!, entries[3]!];
    expect(command.parametersDigest).not.toBe(rejected.parametersDigest);

    // Filters, and scope: another province's administrator sees none of it.
    const onlyRejected = await request(server)
      .get('/v1/audit')
      .set('Authorization', bearer('province-admin', '44'))
      .query({ caller: subject, kind: 'command', outcome: 'rejected' })
      .expect(200);
    expect((onlyRejected.body as { entries: unknown[] }).entries).toHaveLength(2);
    const guangxi = await request(server)
      .get('/v1/audit')
      .set('Authorization', bearer('province-admin', '45'))
      .query({ caller: subject })
      .expect(200);
    expect(guangxi.body).toEqual({ entries: [], next: null });

    // The accepted command's event carries who reported it, with role and scope.
    const recorded = await api.app
      .get<EventStore>(EVENT_STORE)
      .readAll({ after: START_OF_LOG, limit: 1000 });
    expect(recorded.filter((event) => event.actor === subject)).toEqual([
      expect.objectContaining({
        type: 'LessonExchanged',
        actorRole: 'district-clerk',
        actorScope: '44/4403/440311',
      }),
    ]);

    // Anonymous attempts are in the trail too, for the administrators of the unit they name.
    await request(server)
      .get('/v1/indicators/lesson-exchanges')
      .query({ district: '440311', month: '2024-10' })
      .expect(401);
    const anonymous = await request(server)
      .get('/v1/audit')
      .set('Authorization', bearer('province-admin', '44'))
      .query({ caller: 'anonymous', limit: 1 })
      .expect(200);
    expect((anonymous.body as { entries: Array<{ status: number }> }).entries[0]?.status).toBe(401);
  });

  it('sends security headers and limits request size', async () => {
    const server = api.app.getHttpServer();
    const response = await request(server).get('/health/live').expect(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['strict-transport-security']).toBeDefined();
    expect(response.headers['x-powered-by']).toBeUndefined();
    const huge = await request(server)
      .post('/v1/lesson-exchanges')
      .set('Authorization', bearer('district-clerk', '44/4403/440311'))
      .set('content-type', 'application/json')
      .send(JSON.stringify({ subject: 'x'.repeat(1_100_000) }));
    expect(huge.status).toBe(413);
    expect(huge.body.type).toBe('urn:junheng:problem:payload-too-large');
  });
});

describe('rate limits', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await api?.stop();
  });

  it('limits each caller on its own and says when to come back', async () => {
    const server = api.app.getHttpServer();
    const read = (auth: string) =>
      request(server)
        .get('/v1/indicators/lesson-exchanges')
        .set('Authorization', auth)
        .query({ district: '440311', month: '2024-10' });
    const busy = bearer('dashboard', '44', 'busy-dashboard');
    const statuses = [];
    for (let call = 0; call < 4; call += 1) statuses.push((await read(busy)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await read(busy);
    expect(limited.body.type).toBe('urn:junheng:problem:rate-limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await read(bearer('dashboard', '44', 'quiet-dashboard'))).status).toBe(200);
  });
});

/** A negative control: the inventory and the guard catch a route that declares nothing. */
@Controller('v1/forgotten')
class ForgottenController {
  @Get()
  find(): string {
    return 'secret';
  }
}

@Resolver()
class ForgottenResolver {
  @Query(() => String)
  forgotten(): string {
    return 'secret';
  }
}

@Module({ controllers: [ForgottenController], providers: [ForgottenResolver] })
class ForgottenModule {}

describe('deny by default', () => {
  it('finds an undeclared route and refuses it even to a province administrator', async () => {
    const pgliteDir = mkdtempSync(join(tmpdir(), 'junheng-forgotten-'));
    const config = loadConfig({
      PGLITE_DATA_DIR: pgliteDir,
      CHDB_DATA_DIR: chdbTestPath(),
      CLICKHOUSE_DATABASE: uniqueName('forgotten'),
      JUNHENG_DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
      ...TEST_IDENTITY_ENV,
    });
    const moduleRef = await Test.createTestingModule({
      imports: [ApiModule.forRoot(config, { withPipeline: false }), ForgottenModule],
    }).compile();
    const app = moduleRef.createNestApplication();
    app.use((_request: unknown, _response: unknown, next: () => void) => withCallerSlot(next));
    await app.init();
    try {
      expect(routeInventory(app).filter((route) => route.access === null)).toEqual([
        { method: 'GET', path: '/v1/forgotten', access: null },
        { method: 'Query', path: 'graphql:forgotten', access: null },
      ]);
      const viaGraphql = await request(app.getHttpServer() as App)
        .post('/graphql')
        .set('Authorization', bearer('province-admin', '44'))
        .send({ query: '{ forgotten }' });
      expect(viaGraphql.body.data).toBeNull();
      expect(viaGraphql.body.errors[0].extensions.problem).toMatchObject({
        type: 'urn:junheng:problem:forbidden',
        reason: 'undeclared-permission',
      });
      const response = await request(app.getHttpServer() as App)
        .get('/v1/forgotten')
        .set('Authorization', bearer('province-admin', '44'));
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({
        type: 'urn:junheng:problem:forbidden',
        reason: 'undeclared-permission',
      });
    } finally {
      await app.close();
      rmSync(pgliteDir, { recursive: true, force: true });
    }
  });
});
