import type { Logger } from '../app/logger.js';

/** Works one recipient's queue until nothing of it can go now, or until `stopping()` says so. */
export type DrainRecipient = (recipientKey: string, stopping: () => boolean) => Promise<void>;

interface Lane {
  /** Woken again while draining: drain once more before leaving, so no wake is lost. */
  again: boolean;
  done: Promise<void>;
}

/**
 * The in-process side of delivery: one lane per recipient, so a recipient's messages leave one
 * at a time, and up to `concurrency` recipients served at once; recipients woken beyond that
 * wait their turn. This only schedules work in this process — which message may go, and who
 * sends it, is decided by the claim in the store (see Outbox), so two processes never send the
 * same message, and one recipient's messages never overlap even across processes.
 */
export class DeliveryLanes {
  private readonly lanes = new Map<string, Lane>();
  private readonly waiting = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly concurrency: number,
    private readonly drain: DrainRecipient,
    private readonly logger: Logger,
  ) {}

  /** Asks for these recipients' queues to be delivered now. */
  wake(recipientKeys: Iterable<string>): void {
    if (this.stopped) return;
    for (const key of recipientKeys) {
      const lane = this.lanes.get(key);
      if (lane) lane.again = true;
      else if (this.lanes.size < this.concurrency) this.open(key);
      else this.waiting.add(key);
    }
  }

  /** Wakes a recipient after `delayMs` (a retry coming due); the store's poll is the fallback. */
  wakeLater(recipientKey: string, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.wake([recipientKey]);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Resolves once no lane is running and none is waiting. */
  async idle(): Promise<void> {
    while (this.lanes.size > 0) await Promise.all([...this.lanes.values()].map((l) => l.done));
  }

  /** Takes no more work and waits for the lanes running now. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.waiting.clear();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.idle();
  }

  private open(key: string): void {
    const lane: Lane = { again: true, done: Promise.resolve() };
    lane.done = this.run(key, lane);
    this.lanes.set(key, lane);
  }

  private async run(key: string, lane: Lane): Promise<void> {
    // Lets `open` register the lane before the first drain can finish.
    await Promise.resolve();
    try {
      while (lane.again && !this.stopped) {
        lane.again = false;
        await this.drain(key, () => this.stopped);
      }
    } catch (err) {
      // The message stays in the store; the next poll tries again.
      this.logger.error({ err }, 'outbox delivery lane failed');
    } finally {
      this.lanes.delete(key);
      this.openNextWaiting();
    }
  }

  private openNextWaiting(): void {
    for (const key of this.waiting) {
      if (this.stopped || this.lanes.size >= this.concurrency) return;
      this.waiting.delete(key);
      if (!this.lanes.has(key)) this.open(key);
    }
  }
}
