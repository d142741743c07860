import type { Lease } from './lease.js';

/** A long-running task that only one instance may run at a time (e.g. a polling loop). */
export interface LeasedTask {
  stop(): Promise<void>;
  /** Settles when the task ends by itself; the lease is then released for another to try. */
  readonly done?: Promise<void>;
}

export interface LeasedRunner {
  /** Stops the task (if running here) and releases the lease, so another instance takes over at once. */
  stop(): Promise<void>;
  /** True while the task runs in this instance. */
  isRunning(): boolean;
}

interface RunnerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Runs `start()`'s task in whichever instance holds `lease`: every `checkEveryMs` (default a
 * third of the lease's lifetime) the holder renews it and the others try to acquire it. An
 * instance that loses the lease (or cannot reach the store until it would have expired)
 * stops its task; one that dies stops renewing, and another takes over once the lease expires.
 */
export function runWhileLeased(lease: Lease, start: () => Promise<LeasedTask>, options: { logger: RunnerLogger; checkEveryMs?: number }): LeasedRunner {
  const runner = new Runner(lease, start, options.logger, options.checkEveryMs ?? Math.floor(lease.ttlMs / 3));
  runner.schedule(0);
  return { stop: () => runner.stop(), isRunning: () => runner.task !== null };
}

class Runner {
  task: LeasedTask | null = null;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  /** Until when the lease is ours for sure (the last successful acquire or renew, plus its lifetime). */
  private heldUntil = 0;

  constructor(
    private readonly lease: Lease,
    private readonly start: () => Promise<LeasedTask>,
    private readonly logger: RunnerLogger,
    private readonly everyMs: number,
  ) {}

  schedule(ms: number) {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.inFlight = this.tick().finally(() => this.schedule(this.everyMs));
    }, ms);
  }

  private async tick(): Promise<void> {
    const lease = this.lease.name;
    try {
      if (this.task) {
        const startedAt = Date.now();
        if (await this.lease.renew()) return void (this.heldUntil = startedAt + this.lease.ttlMs);
        this.logger.warn({ lease }, 'lease lost to another instance; stopping here');
        await this.stopTask();
      } else {
        const startedAt = Date.now();
        if (!(await this.lease.acquire())) return;
        this.heldUntil = startedAt + this.lease.ttlMs;
        this.logger.info({ lease }, 'lease acquired; starting here');
        this.watch(await this.start());
      }
    } catch (err) {
      this.logger.error({ lease, err }, 'lease check failed');
      // Without the store we cannot know we still hold it: stop before another may take over.
      if (this.task && Date.now() >= this.heldUntil) await this.stopTask();
    }
  }

  private watch(task: LeasedTask) {
    this.task = task;
    const ended = (err?: unknown) => {
      if (this.task !== task) return; // stopped by us
      this.task = null;
      this.logger.warn({ lease: this.lease.name, err }, 'leased task ended by itself; lease released');
      this.lease.release().catch(() => undefined);
    };
    task.done?.then(() => ended(), ended);
  }

  private async stopTask() {
    const task = this.task;
    this.task = null;
    await task?.stop();
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
    await this.stopTask();
    await this.lease.release().catch((err: unknown) => this.logger.warn({ err }, 'lease not released; it will expire'));
  }
}
