import express from 'express';
import type { Request, Response } from 'express';
import request from 'supertest';
import {
  isPublicParameter,
  redactUnmatchedPath,
  routeVocabulary,
  safePathOf,
} from './request-path';

const ID_NUMBER = '44031119770707313X';

/** A real Express application with routes like Junheng's, answering what may be logged. */
function application() {
  const app = express();
  const answer = (req: Request, res: Response) => {
    res.json(safePathOf(req));
  };
  // Nest's middleware for every route is a route too: an unmatched request keeps it.
  app.all('/{*path}', (_req: Request, _res: Response, next: () => void) => next());
  app.get('/v1/areas/:code/scorecard', answer);
  app.get('/v1/schools/:code/scorecard', answer);
  app.get('/v1/indicators/:indicator/figures', answer);
  app.post('/v1/teacher-rotations', answer);
  app.post('/v1/teacher-rotations/end', answer);
  app.use('/graphql', answer);
  app.use((req: Request, res: Response) => {
    res.status(404).json(safePathOf(req));
  });
  return app;
}

describe('what may be logged of a request path', () => {
  const app = application();

  it('is a matched route’s template with its public parameters', async () => {
    const response = await request(app).get('/v1/areas/440311/scorecard?schoolYear=2024');
    expect(response.body).toEqual({
      route: '/v1/areas/:code/scorecard',
      matched: true,
      params: { code: '440311' },
      path: '/v1/areas/440311/scorecard',
    });
    const figures = await request(app).get('/v1/indicators/dropout-rate/figures');
    expect(figures.body).toMatchObject({ params: { indicator: 'dropout-rate' } });
  });

  it('names a parameter that holds something else than a public code instead of writing it', async () => {
    const response = await request(app).get(`/v1/schools/${ID_NUMBER}/scorecard`);
    expect(response.body).toEqual({
      route: '/v1/schools/:code/scorecard',
      matched: true,
      params: { code: ':code' },
      path: '/v1/schools/:code/scorecard',
    });
    expect(JSON.stringify(response.body)).not.toContain(ID_NUMBER.slice(0, 16));
  });

  it('keeps only the segments of an unmatched path that some route spells out', async () => {
    const cases: Array<[string, string]> = [
      [`/v1/teacher-rotations/${ID_NUMBER}`, '/v1/teacher-rotations/:unmatched'],
      [`/v1/teacher-rotations/end/${ID_NUMBER}/`, '/v1/teacher-rotations/end/:unmatched/'],
      [`/${ID_NUMBER}`, '/:unmatched'],
      [`/v1/${ID_NUMBER.toLowerCase()}/scorecard?teacher=${ID_NUMBER}`, '/v1/:unmatched/scorecard'],
      // Spelled differently is not spelled out: percent-encoding, or a parameter's name.
      ['/v1/%74eacher-rotations', '/v1/:unmatched'],
      ['/v1/:code/scorecard', '/v1/:unmatched/scorecard'],
      ['/', '/'],
    ];
    for (const [path, logged] of cases) {
      const response = await request(app).get(path).expect(404);
      expect([path, response.body]).toEqual([
        path,
        { route: logged, matched: false, params: {}, path: logged },
      ]);
    }
  });

  it('reads its vocabulary from the router: routes and mounted middleware, also routes added later', async () => {
    const response = await request(app).post('/graphql');
    expect(response.body).toMatchObject({ route: '/graphql', matched: false });
    const probe = express();
    let seen: ReadonlySet<string> = new Set();
    probe.get('/health/live', (req: Request, res: Response) => {
      seen = routeVocabulary(req);
      res.end();
    });
    probe.get('/v1/audit', (_req: Request, res: Response) => res.end());
    await request(probe).get('/health/live');
    expect([...seen].sort()).toEqual(['audit', 'health', 'live', 'v1']);
    probe.get('/v1/areas/:code/live', (_req: Request, res: Response) => res.end());
    await request(probe).get('/health/live');
    expect([...seen].sort()).toEqual(['areas', 'audit', 'health', 'live', 'v1']);
  });

  it('treats as public only codes and names, never an ID number or a 学籍号', () => {
    for (const value of ['44', '4403', '440311', '3144031101', 'dropout-rate', 'budget-execution'])
      expect([value, isPublicParameter(value)]).toEqual([value, true]);
    for (const value of [
      ID_NUMBER,
      '440311197707073',
      `G${ID_NUMBER}`,
      '13800138000',
      '',
      '4403111',
      'Zhang San',
    ])
      expect([value, isPublicParameter(value)]).toEqual([value, false]);
    expect(redactUnmatchedPath('/a/b/c', new Set(['a', 'c']))).toBe('/a/:unmatched/c');
  });
});
