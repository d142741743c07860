import { RateWindowModel } from '../models/index.js';
import { isDuplicateKey, type Store } from '../store/index.js';

/** A limit: at most `limit` hits per key in each fixed window of `windowMs`. */
export interface RateLimitRule {
  /** Names the limit; keys of different limits never meet (e.g. `zalo-flood`). */
  name: string;
  limit: number;
  windowMs: number;
}

/** Where a key stands in the current window. */
export interface RateLimitState {
  /** Hits in the current window, this one included. */
  count: number;
  /** False once `count` is past the limit: the caller refuses the request. */
  allowed: boolean;
  remaining: number;
  /** When the window ends and the count starts again. */
  resetAt: Date;
}

/** How often (at most) one limiter removes windows that have ended. */
const SWEEP_EVERY_MS = 5 * 60_000;

/**
 * A fixed-window rate limit counted in the store, so that every instance of the application
 * sees the same counts (a limit kept in process memory is multiplied by the number of
 * instances). A hit is one atomic `$inc`. Keys are stored as given: pass a pseudonym
 * (`cipher.pseudonym(...)`) for anything that identifies a person, such as an address.
 *
 * ```ts
 * const flood = new RateLimiter(store, { name: 'zalo-flood', limit: 20, windowMs: 60_000 });
 * if (!(await flood.hit(contactKey)).allowed) return; // too many
 * ```
 */
export class RateLimiter {
  private lastSweep = 0;

  constructor(
    private readonly store: Store,
    readonly rule: RateLimitRule,
    private readonly now: () => number = Date.now,
  ) {
    if (!(rule.limit >= 0 && rule.windowMs > 0)) throw new Error(`rate limit ${rule.name}: limit and windowMs must be positive`);
  }

  private windows() {
    return this.store.collection(RateWindowModel);
  }

  /** The current window of `key`: its document id and its end. */
  private window(key: string): { id: string; resetAt: Date } {
    const start = Math.floor(this.now() / this.rule.windowMs) * this.rule.windowMs;
    return { id: `${this.rule.name}:${start}:${key}`, resetAt: new Date(start + this.rule.windowMs) };
  }

  private state(count: number, resetAt: Date): RateLimitState {
    return { count, allowed: count <= this.rule.limit, remaining: Math.max(0, this.rule.limit - count), resetAt };
  }

  /** Counts `cost` hits for `key` (default 1) and says whether they are within the limit. */
  async hit(key: string, cost = 1): Promise<RateLimitState> {
    const { id, resetAt } = this.window(key);
    this.sweep();
    const update = { $inc: { count: cost }, $setOnInsert: { expiresAt: resetAt } };
    let doc;
    try {
      doc = await this.windows().findOneAndUpdate({ _id: id }, update, { upsert: true });
    } catch (err) {
      // Two instances creating the same window at once: one insert wins, the other increments it.
      if (!isDuplicateKey(err)) throw err;
      doc = await this.windows().findOneAndUpdate({ _id: id }, update, { upsert: true });
    }
    return this.state(doc?.count ?? cost, resetAt);
  }

  /** Where `key` stands, without counting a hit. */
  async peek(key: string): Promise<RateLimitState> {
    const { id, resetAt } = this.window(key);
    const doc = await this.windows().findOne({ _id: id });
    return this.state(doc?.count ?? 0, resetAt);
  }

  /** Takes back one hit of the current window (e.g. a request that turned out to succeed). */
  async undo(key: string): Promise<void> {
    await this.windows().findOneAndUpdate({ _id: this.window(key).id, count: { $gt: 0 } }, { $inc: { count: -1 } });
  }

  /** Forgets every hit of `key` in the current window. */
  async reset(key: string): Promise<void> {
    await this.windows().deleteMany({ _id: this.window(key).id });
  }

  /**
   * Removes ended windows now and then. MongoDB's TTL index does it too; the embedded engine
   * has no TTL, and a window's document is useless once it has ended.
   */
  private sweep(): void {
    const now = this.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    this.windows()
      .deleteMany({ expiresAt: { $lt: new Date(now) } })
      .catch(() => undefined); // best effort: the next sweep tries again
  }
}
