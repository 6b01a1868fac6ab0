/**
 * Issue 13's property-based suite: every REST command route, GraphQL field, import kind and read
 * parameter, fuzzed with fast-check against the servers topology (PostgreSQL + Kafka + chDB).
 *
 * Nothing is listed by hand. The committed apps/api/openapi.json and schema.graphql name the
 * tests (one per route, import kind x format, GraphQL root field and nested field with
 * arguments); the running app's own documents (buildOpenApiDocument, the GraphQL schema host)
 * give the schemas, decorator metadata the @PersonalIdentifier fields and the DTO behind each
 * GraphQL input. The first test fails when routeInventory(app) holds anything no test fuzzes,
 * when a schema uses what the generators do not understand, or when the two disagree.
 *
 * Each test starts from schema-valid values (realistic codes, dates, ID numbers), runs a fixed
 * checklist (each value the issue names on each field and parameter), then random mutations.
 * Per request: never a 5xx; every 4xx is application/problem+json with a urn:junheng:problem:
 * type (GraphQL: every error carries extensions.problem); nothing appended on rejection (the
 * event store's count before and after; requests are sequential); no raw personal identifier of
 * the request in the answer; a request breaking its documented schema is refused; a body of the
 * wrong media type answers 415.
 *
 * FUZZ_SEED (default 13), FUZZ_RUNS (random runs per test, after the checklist, which always
 * runs whole), FUZZ_TIME_MS (time for a test's random runs), FUZZ_PATH (replay a counterexample, with -t naming its test),
 * FUZZ_EXPLORE=<file> (never fail: write every violation met to <file>, one JSON object a line,
 * and the answers' statuses per test), FUZZ_TRACE=<file> (every exchange, briefly),
 * FUZZ_LOG_FILE=<file> (keep the api's log, where a 500's cause is, by correlation id).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { TypeMetadataStorage } from '@nestjs/graphql/dist/schema-builder/storages/type-metadata.storage.js';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import fc from 'fast-check';
import { buildSchema } from 'graphql';
import { Client } from 'pg';
import { createApiApplication } from '../apps/api/src/api.factory';
import { GUANGMING_SCHOOLS, TEST_SCHOOLS } from './fixture-schools';
import { SCHEMA_FILE } from '../apps/api/src/graphql/graphql-schema';
import { OPENAPI_FILE, buildOpenApiDocument } from '../apps/api/src/openapi/openapi-document';
import { personalIdentifierFields } from '../apps/api/src/security/personal-identifier';
import { discoverRoutes, routeInventory } from '../apps/api/src/security/route-inventory';
import { loadConfig } from '@junheng/platform';
import { TEST_IDENTITY_ENV, describeWith } from '@junheng/testing';
import type { ValueHints } from './fuzz/json-schema';
import type { StoreState, Violation, WireAnswer, WireRequest } from './fuzz/oracle';
import { REQUEST_TIMEOUT_MS, describeExchange, exchange, violations } from './fuzz/oracle';
import type { Built } from './fuzz/requests';
import {
  CALLERS,
  buildGraphql,
  buildImport,
  buildRestCommand,
  buildRestRead,
  generatorGaps,
  graphqlChecklist,
  graphqlInput,
  graphqlTransportChecklist,
  graphqlTransportInput,
  importChecklist,
  importInput,
  restCommandChecklist,
  restCommandInput,
  restReadChecklist,
  restReadInput,
} from './fuzz/requests';
import type {
  GraphqlTarget,
  ImportRows,
  OpenApiDocument,
  PersonalKind,
  RuntimeFacts,
  Surface,
  Target,
} from './fuzz/surface';
import { IMPORT_FORMATS, fuzzSurface } from './fuzz/surface';
import { registerSchools } from './registered-schools';
import { TOPOLOGIES } from './topologies';

const SEED = Number(process.env.FUZZ_SEED ?? '13');
const RUNS = process.env.FUZZ_RUNS === undefined ? undefined : Number(process.env.FUZZ_RUNS);
const TIME_MS =
  process.env.FUZZ_TIME_MS === undefined ? undefined : Number(process.env.FUZZ_TIME_MS);
const REPLAY_PATH = process.env.FUZZ_PATH;
const EXPLORE_FILE = process.env.FUZZ_EXPLORE;
const TRACE_FILE = process.env.FUZZ_TRACE;

/** Runs and time per target by family: the whole file takes about two minutes on two cores. */
const BUDGET: Record<Target['family'], { runs: number; timeMs: number }> = {
  'rest-command': { runs: 80, timeMs: 1_500 },
  'rest-read': { runs: 40, timeMs: 2_000 },
  import: { runs: 40, timeMs: 2_000 },
  graphql: { runs: 30, timeMs: 1_000 },
};

/** Time allowed for shrinking a counterexample of the random runs. */
const SHRINK_MS = 3_000;

/** How each import kind's rows are read (docs/api.md "Bulk import"); the app names the events. */
const IMPORT_KIND_ROWS: Record<
  string,
  { discriminator: string | null; route: (value: string | null) => string }
> = {
  'student-records': { discriminator: 'event', route: (event) => `/v1/students/${event ?? ''}s` },
  'fund-allocations': { discriminator: null, route: () => '/v1/fund-programmes/allocations' },
  // A rollover row has a student fact's fields and, but for `left`, a grade: the bodies of a
  // repeat and of a suspension have exactly those shapes.
  'student-rollover': {
    discriminator: 'outcome',
    route: (outcome) => (outcome === 'left' ? '/v1/students/suspensions' : '/v1/students/repeats'),
  },
};

/** Commands that end or move the test schools run last, so the others still meet open schools. */
const ENDS_SCHOOLS = /closures|merges|district-moves|closeSchool|mergeSchool|moveSchoolToDistrict/;

const DOCUMENT = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as OpenApiDocument;
const GRAPHQL_SCHEMA = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
/** The targets as the documents name them (the tests); their details come from the app. */
const LISTED: Surface = fuzzSurface(DOCUMENT, GRAPHQL_SCHEMA, {
  personalFields: {},
  inputTypeDtos: {},
  importRows: Object.fromEntries(
    Object.keys(IMPORT_KIND_ROWS).map((kind) => [kind, { discriminator: null, variants: [] }]),
  ),
});
const ORDERED = [...LISTED.targets].sort(
  (a, b) => Number(ENDS_SCHOOLS.test(a.id)) - Number(ENDS_SCHOOLS.test(b.id)),
);

/** Realistic values the generators use wherever a schema admits them. */
const HINTS: ValueHints = {
  // Repeats weigh: most facts are about Guangming (440311), the clerk's own district.
  examples: [
    ...TEST_SCHOOLS.map((school) => school.schoolCode),
    ...GUANGMING_SCHOOLS,
    ...GUANGMING_SCHOOLS,
    '440311',
    '440311',
    '440311',
    '3144031199',
    '3145010301',
    '440311',
    '440305',
    '440106',
    '450103',
    '44',
    '4403',
    '4401',
    '45',
    '2024-09-01',
    '2024-10-15',
    '2024-11-20',
    '2025-03-03',
    '2025-06-30',
    '2023-09-01',
    '2024-03-01',
    '2024-04-01',
    '2024-10',
    '2025-03',
    '2025-01-01T00:00:00.000Z',
    '2026-06-01T08:00:00Z',
    'fuzz-programme',
    'fuzz-pairing',
    'no-such-allocation',
    'mathematics',
    'chinese',
    '百校扶百校',
    '测试学校',
    'fuzz-district-clerk',
  ],
  numbers: [2024, 2023, 2025, 1, 2, 3, 7, 8, 9, 12, 40, 100, 10_000, 1_000_000],
};

interface Fixture {
  readonly app: INestApplication;
  readonly baseUrl: string;
  readonly database: Client;
  readonly surface: Surface;
  readonly facts: RuntimeFacts;
  readonly logFile: string;
  readonly cleanUp: () => Promise<void>;
}

type DtoClass = abstract new (...args: never[]) => object;

/** What decorators say about the DTOs: personal identifiers, and which class is which input. */
function decoratorFacts(
  app: INestApplication,
): Pick<RuntimeFacts, 'personalFields' | 'inputTypeDtos'> {
  const personalFields: Record<string, Record<string, PersonalKind>> = {};
  const record = (dto: DtoClass) => {
    personalFields[dto.name] = Object.fromEntries(
      personalIdentifierFields(dto).map(({ property, kind }) => [property, kind]),
    );
  };
  for (const route of discoverRoutes(app)) {
    if (route.controller === undefined || route.handlerName === undefined) continue;
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controller, route.handlerName) ??
      {}) as Record<string, { index: number }>;
    const types = (Reflect.getMetadata(
      'design:paramtypes',
      route.controller.prototype as object,
      route.handlerName,
    ) ?? []) as Array<DtoClass | undefined>;
    for (const [key, { index }] of Object.entries(args)) {
      const type = types[index];
      if (key.split(':')[0] === String(RouteParamtypes.BODY) && typeof type === 'function')
        record(type);
    }
  }
  const inputTypeDtos: Record<string, string> = {};
  for (const input of TypeMetadataStorage.getInputTypesMetadata()) {
    const target = input.target as DtoClass;
    inputTypeDtos[input.name] = target.name;
    record(target);
  }
  return { personalFields, inputTypeDtos };
}

/** Import rows: for a kind with a discriminating column, the app says which values it knows. */
async function importFacts(baseUrl: string): Promise<Record<string, ImportRows>> {
  const rows: Record<string, ImportRows> = {};
  for (const [kind, { discriminator, route }] of Object.entries(IMPORT_KIND_ROWS)) {
    if (discriminator === null) {
      rows[kind] = { discriminator, variants: [{ value: null, route: route(null) }] };
      continue;
    }
    const answer = await exchange(baseUrl, {
      method: 'POST',
      url: `/v1/imports/${kind}`,
      headers: {
        authorization: CALLERS['province-admin 44'](),
        'content-type': IMPORT_FORMATS.ndjson,
      },
      body: Buffer.from(`${JSON.stringify({ [discriminator]: '?' })}\n`),
    });
    const reason = (JSON.parse(answer?.text ?? '{}') as { errors?: Array<{ reason?: string }> })
      .errors?.[0]?.reason;
    const values = (reason?.match(/one of (.+)$/)?.[1] ?? '').split(/,\s*/).filter(Boolean);
    rows[kind] = {
      discriminator,
      variants: values.map((value) => ({ value, route: route(value) })),
    };
  }
  return rows;
}

async function storeState(database: Client): Promise<StoreState> {
  const result = await database.query<{ events: number; head: string }>(
    'SELECT count(*)::int AS events, coalesce(max(global_position), 0)::text AS head FROM events',
  );
  const row = result.rows[0]!;
  return { events: row.events, head: Number(row.head) };
}

function explore(
  target: Target,
  found: Violation[],
  request: WireRequest,
  answer: WireAnswer | null,
  input: unknown,
) {
  if (TRACE_FILE !== undefined) {
    appendFileSync(
      TRACE_FILE,
      `${JSON.stringify({
        target: target.id,
        status: answer?.status ?? null,
        answer: answer?.text.slice(0, 300) ?? null,
        input: fc.stringify(input).slice(0, 1_000),
      })}\n`,
    );
  }
  if (EXPLORE_FILE === undefined) return;
  const outcome = `${answer?.status ?? 'none'} ${outcomeType(answer)}`;
  const counts = (OUTCOMES[target.id] ??= {});
  counts[outcome] = (counts[outcome] ?? 0) + 1;
  for (const violation of found) {
    appendFileSync(
      EXPLORE_FILE,
      `${JSON.stringify({
        target: target.id,
        property: violation.property,
        detail: violation.detail,
        status: answer?.status ?? null,
        request: describeExchange(request, null).slice(0, 700),
        answer: answer === null ? null : answer.text.slice(0, 500),
        input: fc.stringify(input).slice(0, 1_500),
      })}\n`,
    );
  }
}

/** In explore mode: per target, how many answers of each status and problem type. */
const OUTCOMES: Record<string, Record<string, number>> = {};

function outcomeType(answer: WireAnswer | null): string {
  if (answer === null) return '';
  try {
    const body = JSON.parse(answer.text) as {
      type?: unknown;
      errors?: Array<{ extensions?: { code?: unknown } }>;
      accepted?: unknown;
      rejected?: unknown;
    };
    if (typeof body.type === 'string') return body.type;
    if (Array.isArray(body.errors))
      return `graphql ${JSON.stringify(body.errors[0]?.extensions?.code)}`;
    if (typeof body.accepted === 'number') return `import accepted>0: ${body.accepted > 0}`;
  } catch {
    // not JSON
  }
  return '';
}

const servers = TOPOLOGIES.find((topology) => topology.engines.includes('PostgreSQL'))!;

describeWith(
  servers.engines,
  `property-based fuzzing of every route and field (${servers.name})`,
  () => {
    let fixture: Fixture | undefined;

    beforeAll(async () => {
      const prepared = await servers.environment();
      const logDir = mkdtempSync(join(tmpdir(), 'junheng-fuzz-'));
      const logFile = process.env.FUZZ_LOG_FILE ?? join(logDir, 'api.log');
      const app = await createApiApplication(
        loadConfig({
          ...prepared.env,
          JUNHENG_DEMO_DATA: 'false',
          RATE_LIMIT_PER_MINUTE: '1000000',
          // Reads that wait for a position answer quickly; the properties judge the answer.
          JUNHENG_READ_YOUR_WRITES_TIMEOUT_MS: '300',
          LOG_LEVEL: 'error',
          LOG_FILE: logFile,
          ...TEST_IDENTITY_ENV,
        }),
      );
      await app.init();
      await app.listen(0, '127.0.0.1');
      const server = app.getHttpServer() as { address: () => AddressInfo };
      const { port } = server.address();
      const baseUrl = `http://127.0.0.1:${port}`;
      await registerSchools(app);
      const admin = {
        authorization: CALLERS['province-admin 44'](),
        'content-type': 'application/json',
      };
      for (const [url, body] of [
        [
          '/v1/fund-programmes',
          {
            programmeId: 'fuzz-programme',
            name: '模糊测试专项',
            level: 'district',
            ownerCode: '440311',
            fiscalYear: 2024,
            budgetFen: 1e12,
            budgetedOn: '2024-03-01',
          },
        ],
        [
          '/v1/pairings',
          {
            pairingId: 'fuzz-pairing',
            programme: '百校扶百校',
            supportingSchoolCode: GUANGMING_SCHOOLS[0],
            supportingDistrictCode: '440311',
            receivingSchoolCode: GUANGMING_SCHOOLS[1],
            receivingDistrictCode: '440311',
            forms: ['teaching'],
            startDate: '2024-09-01',
            endDate: '2027-08-31',
          },
        ],
      ] as const) {
        const answer = await exchange(baseUrl, {
          method: 'POST',
          url,
          headers: admin,
          body: Buffer.from(JSON.stringify(body)),
        });
        if (answer?.status !== 201)
          throw new Error(`seeding ${url}: ${answer?.status} ${answer?.text}`);
      }
      const database = new Client({ connectionString: prepared.env.DATABASE_URL });
      await database.connect();
      const facts: RuntimeFacts = {
        ...decoratorFacts(app),
        importRows: await importFacts(baseUrl),
      };
      fixture = {
        app,
        baseUrl,
        database,
        facts,
        logFile,
        // The documents as the running app generates them (the committed ones name the tests;
        // the gap test fails when the two differ in what they list).
        surface: fuzzSurface(
          buildOpenApiDocument(app) as unknown as OpenApiDocument,
          app.get(GraphQLSchemaHost).schema,
          facts,
        ),
        cleanUp: async () => {
          await database.end();
          await app.close();
          await prepared.cleanUp();
          rmSync(logDir, { recursive: true, force: true });
        },
      };
    }, 180_000);

    afterAll(async () => {
      if (EXPLORE_FILE !== undefined) {
        appendFileSync(EXPLORE_FILE, `${JSON.stringify({ outcomes: OUTCOMES })}\n`);
      }
      await fixture?.cleanUp();
    });

    it('fuzzes every route and root field of the inventory, each with a schema (no silent gaps)', () => {
      const { app, surface, facts } = fixture!;
      const fuzzed = new Set(surface.targets.map((target) => target.inventoryKey));
      const inventory = routeInventory(app).map(
        (route) =>
          `${route.method} ${route.path.startsWith('/') ? route.path.replace(/:(\w+)/g, '{$1}') : route.path}`,
      );
      expect({
        unfuzzed: inventory.filter((key) => !fuzzed.has(key)),
        notInTheInventory: [...fuzzed].filter((key) => !inventory.includes(key)),
        gaps: surface.gaps,
        importKindsWithoutRows: Object.entries(facts.importRows)
          .filter(([, rows]) => rows.variants.length === 0)
          .map(([kind]) => kind),
        generatorsThatMiss: surface.targets.flatMap((target) => generatorGaps(target, HINTS)),
        builtButNotListed: surface.targets
          .map((target) => target.id)
          .filter((id) => !LISTED.targets.some((target) => target.id === id)),
        listedButNotBuilt: LISTED.targets
          .map((target) => target.id)
          .filter((id) => !surface.targets.some((target) => target.id === id)),
      }).toEqual({
        unfuzzed: [],
        notInTheInventory: [],
        gaps: [],
        importKindsWithoutRows: [],
        generatorsThatMiss: [],
        builtButNotListed: [],
        listedButNotBuilt: [],
      });
      // Not vacuous: personal identifiers were found where docs/security.md says they are.
      expect(facts.personalFields.StartTeacherRotationDto).toEqual({ teacher: 'teacher' });
      expect(facts.personalFields.EnrolStudentDto).toEqual({ student: 'student' });
    });

    /** One request of the property: sent alone, judged with the store before and after. */
    async function checkOne(target: Target, built: Built, input: unknown): Promise<void> {
      const { baseUrl, database } = fixture!;
      const { request, expectation } = built;
      const before = await storeState(database);
      const answer = await exchange(baseUrl, request);
      const after = await storeState(database);
      const found = violations(expectation, answer, before, after);
      explore(target, found, request, answer, input);
      if (found.length > 0 && EXPLORE_FILE === undefined) {
        throw new Error(
          `${found.map((violation) => `${violation.property}: ${violation.detail}`).join('\n')}\n${describeExchange(request, answer)}`,
        );
      }
    }

    async function assertProperty<T>(
      arbitrary: fc.Arbitrary<T>,
      checklist: readonly T[],
      budget: { runs: number; timeMs: number },
      run: (input: T) => Promise<void>,
    ): Promise<void> {
      const timeMs = TIME_MS ?? budget.timeMs;
      // The checklist runs whole, however loaded the machine: the time limit below bounds only
      // the random exploration after it, so no case the issue names is ever skipped.
      for (const input of checklist) await run(input);
      await fc.assert(fc.asyncProperty(fc.limitShrink(arbitrary, 40), run), {
        seed: SEED,
        numRuns: RUNS ?? budget.runs,
        path: REPLAY_PATH,
        plugins: [fc.interruptAfterTimeLimit(timeMs + SHRINK_MS)],
      });
    }

    const JEST_TIMEOUT = (family: Target['family']) =>
      (TIME_MS ?? BUDGET[family].timeMs) * 4 + REQUEST_TIMEOUT_MS * 2 + 30_000;

    for (const listed of ORDERED) {
      it(
        listed.id,
        async () => {
          const target = fixture!.surface.targets.find((candidate) => candidate.id === listed.id);
          if (target === undefined) throw new Error(`${listed.id}: not built from the running app`);
          if (target.family === 'import' && target.rows.length === 0)
            throw new Error(`${target.id}: no row schema`);
          const [arbitrary, build, checklist] = requestsFor(target);
          await assertProperty(arbitrary, checklist, BUDGET[target.family], (input) =>
            checkOne(target, build(input), input),
          );
        },
        JEST_TIMEOUT(listed.family),
      );
    }

    it(
      'POST /graphql: bodies that are not a proper GraphQL request, for every field',
      async () => {
        const targets = fixture!.surface.targets.filter(
          (target): target is GraphqlTarget => target.family === 'graphql',
        );
        const byId = new Map(targets.map((target) => [target.id, target]));
        const arbitrary = fc
          .constantFrom(...targets)
          .chain((target) =>
            graphqlTransportInput(target, HINTS).map((input) => ({ target: target.id, input })),
          );
        await assertProperty(
          arbitrary,
          graphqlTransportChecklist(targets, HINTS, SEED),
          BUDGET.graphql,
          ({ target, input }) => {
            const found = byId.get(target)!;
            return checkOne(found, buildGraphql(found, input), { target, input });
          },
        );
      },
      JEST_TIMEOUT('graphql') * 2,
    );
  },
);

function requestsFor(
  target: Target,
): [fc.Arbitrary<unknown>, (input: unknown) => Built, unknown[]] {
  switch (target.family) {
    case 'rest-command':
      return [
        restCommandInput(target, HINTS),
        (input) => buildRestCommand(target, input as never),
        restCommandChecklist(target, HINTS, SEED),
      ];
    case 'rest-read':
      return [
        restReadInput(target, HINTS),
        (input) => buildRestRead(target, input as never),
        restReadChecklist(target, HINTS, SEED),
      ];
    case 'import':
      return [
        importInput(target, HINTS),
        (input) => buildImport(target, input as never),
        importChecklist(target, HINTS, SEED),
      ];
    case 'graphql':
      return [
        graphqlInput(target, HINTS),
        (input) => buildGraphql(target, input as never),
        graphqlChecklist(target, HINTS, SEED),
      ];
  }
}
