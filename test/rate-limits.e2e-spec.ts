import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { App } from 'supertest/types';
import { createApiApplication } from '../apps/api/src/api.factory';
import { loadConfig } from '@junheng/platform';
import { TEST_IDENTITY_ENV, bearer } from '@junheng/testing';
import { TOPOLOGIES } from './topologies';

/**
 * Issue 13, finding 8: limits per caller across all routes, and failed authentication throttled
 * per client address. Before the fix a caller had a budget per route, and 800 bad tokens were
 * 800 401s with 800 audit rows.
 */
describe('rate limits (embedded)', () => {
  let app: INestApplication<App>;
  let cleanUp: () => Promise<void>;

  beforeAll(async () => {
    const prepared = await TOPOLOGIES[0]!.environment();
    cleanUp = prepared.cleanUp;
    app = await createApiApplication(
      loadConfig({
        ...prepared.env,
        ...TEST_IDENTITY_ENV,
        RATE_LIMIT_PER_MINUTE: '6',
        AUTH_FAILURES_PER_MINUTE: '4',
        // Behind one proxy: the client address is the last X-Forwarded-For hop, so this test
        // can speak from several addresses.
        TRUST_PROXY_HOPS: '1',
      }),
    );
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await cleanUp?.();
  });

  const GUESSER = '203.0.113.7';
  const AUDITOR = '198.51.100.1';
  const get = (path: string, auth: string, from = AUDITOR) =>
    request(app.getHttpServer()).get(path).set('Authorization', auth).set('X-Forwarded-For', from);

  it('counts one budget per caller across every route', async () => {
    const caller = bearer('dashboard', '44', 'dashboard-across-routes');
    const routes = ['/v1/indicators', '/v1/areas/440311/schools', '/v1/indicators'];
    const statuses: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      for (const route of routes) statuses.push((await get(route, caller)).status);
    }
    // Six allowed in the minute, wherever they went; the rest 429 with Retry-After.
    expect(statuses.slice(0, 6).every((status) => status === 200)).toBe(true);
    expect(statuses.slice(6)).toEqual([429, 429, 429]);
    const refused = await get('/v1/areas/440311/schools', caller).expect(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.body.type).toBe('urn:junheng:problem:rate-limited');
    // Another caller has its own budget.
    await get('/v1/indicators', bearer('dashboard', '44', 'someone-else')).expect(200);
  });

  it('throttles failed authentication per address, refusing even a valid token unread, auditing no more', async () => {
    const admin = bearer('province-admin', '44', 'auditor');
    const auditRows = async (): Promise<number> => {
      const response = await get('/v1/audit', admin).query({ limit: 1000 }).expect(200);
      return (response.body as { entries: unknown[] }).entries.length;
    };
    // Four failures are answered 401, each audited (as attempts on the unit they name).
    for (let attempt = 0; attempt < 4; attempt += 1) {
      await request(app.getHttpServer())
        .get('/v1/areas/440311/scorecard')
        .set('X-Forwarded-For', GUESSER)
        .set('X-Api-Key', `jhk_guess${attempt}_${'x'.repeat(32)}`)
        .query({ schoolYear: 2024 })
        .expect(401);
    }
    const rowsAtBlock = await auditRows();
    // From now on the address is refused before any credential is read: a guess, a bad token,
    // and a valid token alike (a guesser must not learn which of its guesses holds).
    for (const auth of ['Bearer not-a-token', bearer('dashboard', '44', 'valid-but-blocked')]) {
      const response = await get('/v1/areas/440311/scorecard', auth, GUESSER)
        .query({ schoolYear: 2024 })
        .expect(429);
      expect(response.body.type).toBe('urn:junheng:problem:rate-limited');
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    }
    // Another address is not blocked. The auditor's own read above is one more row; the
    // refused attempts wrote none.
    expect(await auditRows()).toBeLessThanOrEqual(rowsAtBlock + 1);
    const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^junheng_authentication_throttled_total 2$/m);
  });
});
