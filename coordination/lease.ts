import crypto from 'node:crypto';
import os from 'node:os';
import { LeaseModel } from '../models/index.js';
import { isDuplicateKey, type Store } from '../store/index.js';

/**
 * A lease in the store: at most one holder at a time among every instance of the application
 * (e.g. the one that long-polls a platform). The holder renews it well before it expires; when
 * the holder dies, the lease expires and another instance acquires it.
 *
 * ```ts
 * const lease = new Lease(store, 'telegram-polling', { ttlMs: 30_000 });
 * if (await lease.acquire()) { ...; await lease.renew(); ...; await lease.release(); }
 * ```
 * See `runWhileLeased` for the loop that does this around a long-running task.
 */
export class Lease {
  /** Who we are: unique per Lease object, so two in one process are two holders. */
  readonly holder: string;
  readonly ttlMs: number;

  constructor(
    private readonly store: Store,
    readonly name: string,
    options: { ttlMs: number; holder?: string; now?: () => number },
  ) {
    this.ttlMs = options.ttlMs;
    this.holder = options.holder ?? `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
    this.now = options.now ?? Date.now;
  }

  private readonly now: () => number;

  private leases() {
    return this.store.collection(LeaseModel);
  }

  /**
   * Takes the lease when it is free, expired or already ours (then it is extended). True when
   * we hold it afterwards, until `expiresAt()`.
   */
  async acquire(): Promise<boolean> {
    const now = this.now();
    try {
      const doc = await this.leases().findOneAndUpdate(
        { _id: this.name, $or: [{ holder: this.holder }, { expiresAt: { $lte: new Date(now) } }] },
        { $set: { holder: this.holder, expiresAt: new Date(now + this.ttlMs) } },
        { upsert: true },
      );
      return doc?.holder === this.holder;
    } catch (err) {
      // Held by someone else and not expired: the upsert tried to create it again.
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  /**
   * Extends the lease if we still hold it; false when it was lost (taken over after it expired,
   * or released). Still ours after expiring means nobody took it: extending it is safe.
   */
  async renew(): Promise<boolean> {
    const now = this.now();
    const doc = await this.leases().findOneAndUpdate(
      { _id: this.name, holder: this.holder },
      { $set: { expiresAt: new Date(now + this.ttlMs) } },
    );
    return doc !== null;
  }

  /** Gives the lease up at once (if we hold it), so another instance need not wait for it to expire. */
  async release(): Promise<void> {
    await this.leases().deleteMany({ _id: this.name, holder: this.holder });
  }

  /** Who holds the lease now, or null when nobody does. */
  async currentHolder(): Promise<string | null> {
    const doc = await this.leases().findOne({ _id: this.name, expiresAt: { $gt: new Date(this.now()) } });
    return doc?.holder ?? null;
  }
}
