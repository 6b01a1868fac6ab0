import type { AddressInfo, Server } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { App } from 'supertest/types';
import { ApiKeyRepository, issueApiKey, mintToken, parseOrgScope } from '@junheng/identity';
import { loadConfig } from '@junheng/platform';
import {
  TEST_IDENTITY_ENV,
  TEST_JWT_SECRET,
  bearer,
  describeWith,
  eventually,
} from '@junheng/testing';
import { createApiApplication } from '../apps/api/src/api.factory';
import { LiveScorecards } from '../apps/api/src/dashboard/live-scorecards';
import { TOPOLOGIES } from './topologies';

/**
 * A live dashboard lasts no longer than its credentials. The streams are the same whatever
 * carries events to the projection, so the embedded topology is enough.
 */
const topology = TOPOLOGIES[0]!;

interface Received {
  readonly event: string;
  readonly data: unknown;
  readonly at: number;
}

/** Opens a live stream and collects its events until it ends. */
async function openStream(port: number, headers: Record<string, string>) {
  const abort = new AbortController();
  const response = await fetch(`http://127.0.0.1:${port}/v1/areas/440311/live?schoolYear=2024`, {
    headers,
    signal: abort.signal,
  });
  expect(response.status).toBe(200);
  const events: Received[] = [];
  let resolveFirst: () => void = () => undefined;
  const first = new Promise<void>((done) => (resolveFirst = done));
  const finished = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          let data: string | undefined;
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            if (line.startsWith('data: ')) data = line.slice(6);
          }
          if (data === undefined) continue;
          events.push({ event, data: JSON.parse(data) as unknown, at: Date.now() });
          resolveFirst();
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
    return Date.now();
  })();
  await first;
  return { events, finished, abort: () => abort.abort() };
}

describeWith(
  topology.engines,
  `live dashboards end with their credentials (${topology.name})`,
  () => {
    let app: INestApplication<App>;
    let cleanUp: () => Promise<void>;
    let port: number;
    const streams = () => app.get(LiveScorecards).openStreams();

    beforeAll(async () => {
      const prepared = await topology.environment();
      cleanUp = prepared.cleanUp;
      app = await createApiApplication(
        loadConfig({
          ...prepared.env,
          ...TEST_IDENTITY_ENV,
          JUNHENG_DEMO_DATA: 'false',
          JUNHENG_LIVE_INTERVAL_MS: '100',
        }),
      );
      await app.init();
      await app.listen(0, '127.0.0.1');
      port = ((app.getHttpServer() as unknown as Server).address() as AddressInfo).port;
    });

    afterAll(async () => {
      await app?.close();
      await cleanUp?.();
    });

    it('ends a stream when its token expires, saying why, and releases its watcher', async () => {
      // A screen with a long-lived token watches the same area throughout.
      const openedAt = Date.now();
      const steady = await openStream(port, {
        Authorization: bearer('district-clerk', '44/4403/440311'),
      });
      // The short token must outlive the first scorecard, computed before the stream opens
      // (a stream whose token expired meanwhile ends at once, as it should): seconds on a busy
      // machine, so its lifetime is measured against the first stream's opening.
      const ttlSeconds = 3 + Math.ceil((3 * (Date.now() - openedAt)) / 1000);
      const issuedAt = new Date();
      const token = mintToken(
        Buffer.from(TEST_JWT_SECRET),
        { subject: 'short-lived', role: 'district-clerk', scope: '44/4403/440311', ttlSeconds },
        issuedAt,
      );
      const expiresAt = (Math.floor(issuedAt.getTime() / 1000) + ttlSeconds) * 1000;
      const short = await openStream(port, { Authorization: `Bearer ${token}` });
      expect(short.events[0]).toMatchObject({ event: 'scorecard', data: { area: '440311' } });
      expect(streams()).toBe(2);

      const endedAt = await short.finished;
      const last = short.events.at(-1)!;
      expect(last).toMatchObject({ event: 'end', data: { reason: 'credentials-expired' } });
      // At the token's expiry: not before it, and not long after.
      expect(last.at).toBeGreaterThanOrEqual(expiresAt - 50);
      expect(endedAt).toBeLessThan(expiresAt + 2_000);
      await eventually(() => expect(streams()).toBe(1));

      // The other screen of the same area is still watched and still open.
      expect(steady.events.map((received) => received.event)).not.toContain('end');
      steady.abort();
      await steady.finished;
      await eventually(() => expect(streams()).toBe(0));
    });

    it('ends an API key’s stream once the key is revoked, and releases its watcher', async () => {
      const keys = app.get(ApiKeyRepository);
      const issued = issueApiKey();
      await keys.create(issued, {
        name: 'wall screen',
        role: 'dashboard',
        scope: parseOrgScope('44'),
      });
      await eventually(() => expect(streams()).toBe(0));
      const stream = await openStream(port, { 'X-Api-Key': issued.key });
      expect(stream.events[0]).toMatchObject({ event: 'scorecard' });
      // Unrevoked, it stays open over several checks.
      await new Promise((done) => setTimeout(done, 500));
      expect(stream.events.map((received) => received.event)).toEqual(['scorecard']);
      expect(streams()).toBe(1);

      const revokedAt = Date.now();
      expect(await keys.revoke(issued.id)).toBe(true);
      const endedAt = await stream.finished;
      expect(stream.events.at(-1)).toMatchObject({
        event: 'end',
        data: { reason: 'credentials-revoked' },
      });
      // Checked every live interval (100 ms here).
      expect(endedAt - revokedAt).toBeLessThan(2_000);
      await eventually(() => expect(streams()).toBe(0));
    });
  },
);
