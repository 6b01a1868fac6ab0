import { Injectable } from '@nestjs/common';

export type HealthCheck = () => Promise<void> | void;

export interface DependencyHealth {
  readonly status: 'up' | 'down';
  readonly error?: string;
}

const CHECK_TIMEOUT_MS = 2_000;

/** Each part that depends on something registers a check; readiness runs them all. */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async readiness(): Promise<{ ready: boolean; dependencies: Record<string, DependencyHealth> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await runCheck(check)] as const),
    );
    return {
      ready: entries.every(([, health]) => health.status === 'up'),
      dependencies: Object.fromEntries(entries),
    };
  }
}

async function runCheck(check: HealthCheck): Promise<DependencyHealth> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(check),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
