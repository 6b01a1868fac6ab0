export interface PollLoopLogger {
  error(details: Record<string, unknown>, message: string): void;
}

export interface PollLoopOptions {
  readonly name: string;
  /** Does one unit of work; answers whether there may be more right away. */
  readonly tick: () => Promise<'more' | 'idle'>;
  readonly idleDelayMs: number;
  readonly maxBackoffMs?: number;
  readonly logger: PollLoopLogger;
}

/**
 * Runs `tick` until stopped: again at once while there is more, after `idleDelayMs` when idle,
 * with exponential backoff after failures. `stop` waits for the tick in progress, so a batch
 * is either finished or not started when it resolves.
 */
export class PollLoop {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private consecutiveFailures = 0;

  constructor(private readonly options: PollLoopOptions) {}

  get isRunning(): boolean {
    return this.running;
  }

  get failing(): boolean {
    return this.consecutiveFailures > 0;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Makes an idle loop look again now (for example after a local append). */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let delay = 0;
      try {
        const outcome = await this.options.tick();
        this.consecutiveFailures = 0;
        if (outcome === 'idle') delay = this.options.idleDelayMs;
      } catch (error) {
        this.consecutiveFailures += 1;
        delay = Math.min(
          this.options.idleDelayMs * 2 ** this.consecutiveFailures,
          this.options.maxBackoffMs ?? 5_000,
        );
        this.options.logger.error(
          { err: error, loop: this.options.name, consecutiveFailures: this.consecutiveFailures },
          `"${this.options.name}" failed; retrying in ${delay} ms`,
        );
      }
      if (delay > 0 && this.running) await this.sleep(delay);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((done) => {
      const timer = setTimeout(finish, ms);
      function finish(): void {
        clearTimeout(timer);
        done();
      }
      this.wake = finish;
    });
  }
}
