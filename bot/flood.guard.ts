import { RateLimiter } from '../coordination/rate-limiter.js';
import type { Store } from '../store/index.js';

/** Per contact: at most `limit` messages in each window of `windowMs` before the flood rule applies. */
export interface FloodRule {
  limit: number;
  windowMs: number;
}

/**
 * A message past its contact's limit. The conversation keeps it (nothing a child sends is
 * lost) without an answer; `noticeOnce()` is true for one such message per window, which gets
 * the kind "wait a moment".
 */
export interface Flooded {
  noticeOnce(): Promise<boolean>;
}

/**
 * Flood protection for every channel, in one place: the inbound service asks it for each
 * message it handles. Counts live in the store (`RateLimiter`), so a contact writing through
 * several instances has one budget, and the notice is given once whichever instance handles it.
 * Keys are the contact's recipient key (a pseudonym, never the chat id).
 */
export class FloodGuard {
  private readonly messages: RateLimiter;
  private readonly notices: RateLimiter;

  constructor(store: Store, rule: FloodRule) {
    this.messages = new RateLimiter(store, { name: 'flood', ...rule });
    this.notices = new RateLimiter(store, { name: 'flood-notice', limit: 1, windowMs: rule.windowMs });
  }

  /** Counts one message of the contact; null while it is within the limit. */
  async count(contactKey: string): Promise<Flooded | null> {
    const { allowed } = await this.messages.hit(contactKey);
    if (allowed) return null;
    return { noticeOnce: async () => (await this.notices.hit(contactKey)).allowed };
  }
}
