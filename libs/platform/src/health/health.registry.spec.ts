import { HealthRegistry } from './health.registry';

describe('health registry', () => {
  it('is ready only when every dependency answers, and says which one does not', async () => {
    const registry = new HealthRegistry();
    registry.register('eventStore', () => undefined);
    registry.register('analytics', async () => {
      throw new Error('connection refused');
    });
    expect(await registry.readiness()).toEqual({
      ready: false,
      dependencies: {
        eventStore: { status: 'up' },
        analytics: { status: 'down', error: 'connection refused' },
      },
    });
    registry.register('analytics', async () => undefined);
    expect((await registry.readiness()).ready).toBe(true);
  });

  it('counts a dependency that does not answer in time as down', async () => {
    jest.useFakeTimers();
    try {
      const registry = new HealthRegistry();
      registry.register('kafka', () => new Promise<void>(() => undefined));
      const readiness = registry.readiness();
      await jest.advanceTimersByTimeAsync(2_001);
      expect(await readiness).toEqual({
        ready: false,
        dependencies: { kafka: { status: 'down', error: 'no answer within 2000 ms' } },
      });
    } finally {
      jest.useRealTimers();
    }
  });
});
