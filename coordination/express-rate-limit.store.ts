import type { Options, Store as RateLimitStore, ClientRateLimitInfo, IncrementResponse } from 'express-rate-limit';
import type { Store } from '../store/index.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * express-rate-limit's counts kept in our store (see RateLimiter), so a limit holds across
 * every instance. The window and the limit come from the middleware's own options.
 *
 * ```ts
 * rateLimit({ windowMs: 60_000, limit: 40, store: new SharedRateLimitStore(store, 'web-session') })
 * ```
 */
export class SharedRateLimitStore implements RateLimitStore {
  readonly localKeys = false;
  private limiter: RateLimiter | null = null;

  constructor(
    private readonly store: Store,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    const limit = typeof options.limit === 'number' ? options.limit : Number.MAX_SAFE_INTEGER;
    this.limiter = new RateLimiter(this.store, { name: this.prefix, limit, windowMs: options.windowMs });
  }

  private get counter(): RateLimiter {
    if (!this.limiter) throw new Error(`rate limit ${this.prefix}: used before express-rate-limit initialised it`);
    return this.limiter;
  }

  async get(key: string): Promise<ClientRateLimitInfo> {
    const { count, resetAt } = await this.counter.peek(key);
    return { totalHits: count, resetTime: resetAt };
  }

  async increment(key: string): Promise<IncrementResponse> {
    const { count, resetAt } = await this.counter.hit(key);
    return { totalHits: count, resetTime: resetAt };
  }

  async decrement(key: string): Promise<void> {
    await this.counter.undo(key);
  }

  async resetKey(key: string): Promise<void> {
    await this.counter.reset(key);
  }
}
