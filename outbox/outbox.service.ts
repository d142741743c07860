import type { DataCipher } from '../app/crypto.js';
import type { Logger } from '../app/logger.js';
import { OutboxModel, type Channel, type OutboxItem } from '../models/index.js';
import { isDuplicateKey, type Store } from '../store/index.js';
import { recipientKey } from './recipient-key.js';
import type { ChannelSender, DeliveryResult, OutboundMessage } from '../bot/channels/channel.js';

export interface OutboxOptions {
  /** Attempts before a message is marked undelivered. */
  maxAttempts: number;
  /** First retry delay; doubles each attempt up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a claimed message may stay "sending" before another run takes it back (crash recovery). */
  sendTimeoutMs: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = {
  maxAttempts: 25,
  baseDelayMs: 2_000,
  maxDelayMs: 15 * 60_000,
  sendTimeoutMs: 2 * 60_000,
};

export interface EnqueueInput {
  channel: Channel;
  addressEnc: string;
  /** Messages with the same key leave in the order they were enqueued. */
  recipientKey: string;
  message: OutboundMessage;
  messageId?: string | null;
  dedupeKey?: string;
}

export type SettledStatus = 'sent' | 'undelivered';
export type SettledListener = (item: OutboxItem, status: SettledStatus, error: string | null) => Promise<void>;

export interface DeliveryRunResult {
  sent: number;
  retried: number;
  undelivered: number;
}

/**
 * The outbox: every outbound message is stored here first, then delivered by `deliverDue`
 * (run by the delivery job, and kicked right after enqueueing so a child is not kept waiting).
 * Delivery keeps each recipient's order: a message waits while an earlier one is still pending.
 */
export class Outbox {
  private readonly senders = new Map<Channel, ChannelSender>();
  private readonly settledListeners: SettledListener[] = [];
  private kickListener: (() => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly cipher: DataCipher,
    private readonly logger: Logger,
    private readonly options: OutboxOptions = DEFAULT_OUTBOX_OPTIONS,
  ) {}

  private get items() {
    return this.store.collection(OutboxModel);
  }

  registerSender(sender: ChannelSender) {
    this.senders.set(sender.channel, sender);
  }

  connectedChannels(): Channel[] {
    return [...this.senders.keys()];
  }

  onSettled(listener: SettledListener) {
    this.settledListeners.push(listener);
  }

  /** Called after each enqueue, so the scheduler can run a delivery now. */
  onKick(listener: () => void) {
    this.kickListener = listener;
  }

  /**
   * Forgets a chat: its channel erases what it keeps, and messages already delivered (or
   * refused) are deleted — they would tie the chat to its case codes. Pending ones still go.
   */
  async forgetChat(contact: { channel: Channel; pseudonym: string }): Promise<void> {
    await this.senders.get(contact.channel)?.forgetChat?.(contact.pseudonym);
    await this.items.deleteMany({ recipientKey: recipientKey(contact), status: { $in: ['sent', 'undelivered'] } });
  }

  /** Stores messages for delivery; a repeated dedupeKey is ignored. Returns the stored items. */
  async enqueue(inputs: EnqueueInput[]): Promise<OutboxItem[]> {
    const stored: OutboxItem[] = [];
    for (const input of inputs) {
      try {
        stored.push(
          await this.items.insertOne({
            channel: input.channel,
            addressEnc: input.addressEnc,
            recipientKey: input.recipientKey,
            payload: { ...input.message },
            messageId: input.messageId ?? null,
            ...(input.dedupeKey ? { dedupeKey: input.dedupeKey } : {}),
          }),
        );
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    if (inputs.length > 0) this.kickListener?.();
    return stored;
  }

  /** Delivers every message that is due, in order per recipient, until none is left to try now. */
  async deliverDue(now = () => new Date()): Promise<DeliveryRunResult> {
    const result: DeliveryRunResult = { sent: 0, retried: 0, undelivered: 0 };
    await this.items.updateMany(
      { status: 'sending', lockedUntil: { $lt: now() } },
      { $set: { status: 'pending', lockedUntil: null } },
    );
    for (let progressed = true; progressed; ) {
      progressed = false;
      const due = await this.items.find({ status: 'pending', nextAttemptAt: { $lte: now() } }, { sort: { seq: 1 }, limit: 200 });
      const held = new Set<string>();
      for (const item of due) {
        if (held.has(item.recipientKey) || (await this.hasEarlierUnsent(item))) {
          held.add(item.recipientKey);
          continue;
        }
        const claimed = await this.items.findOneAndUpdate(
          { _id: item._id, status: 'pending' },
          { $set: { status: 'sending', lockedUntil: new Date(now().getTime() + this.options.sendTimeoutMs) } },
        );
        if (!claimed) continue;
        const outcome = await this.sendOne(claimed, now());
        result[outcome] += 1;
        // A message settled for good (sent or refused) lets the next one go; one to retry holds it.
        if (outcome === 'retried') held.add(item.recipientKey);
        else progressed = true;
      }
    }
    return result;
  }

  private async hasEarlierUnsent(item: OutboxItem) {
    return (await this.items.count({ recipientKey: item.recipientKey, status: { $in: ['pending', 'sending'] }, seq: { $lt: item.seq } })) > 0;
  }

  private async sendOne(item: OutboxItem, now: Date): Promise<keyof DeliveryRunResult> {
    const sender = this.senders.get(item.channel);
    let outcome: DeliveryResult;
    if (!sender) {
      outcome = { ok: false, permanent: false, error: 'channel_not_connected' };
    } else {
      try {
        outcome = await sender.send(this.cipher.decrypt(item.addressEnc), item.payload as unknown as OutboundMessage);
      } catch (err) {
        outcome = { ok: false, permanent: false, error: err instanceof Error ? err.message : 'send_failed' };
      }
    }
    if (outcome.ok) {
      const done = await this.items.findOneAndUpdate({ _id: item._id }, { $set: { status: 'sent', sentAt: now, lockedUntil: null, lastError: null } });
      await this.notifySettled(done ?? item, 'sent', null);
      return 'sent';
    }
    const attempts = item.attempts + 1;
    if (outcome.permanent || attempts >= this.options.maxAttempts) {
      const failed = await this.items.findOneAndUpdate(
        { _id: item._id },
        { $set: { status: 'undelivered', attempts, lastError: outcome.error, lockedUntil: null } },
      );
      this.logger.warn({ outboxId: item._id, channel: item.channel, attempts, error: outcome.error }, 'outbound message undelivered');
      await this.notifySettled(failed ?? item, 'undelivered', outcome.error);
      return 'undelivered';
    }
    const delay = outcome.retryAfterMs ?? this.backoff(attempts);
    await this.items.findOneAndUpdate(
      { _id: item._id },
      { $set: { status: 'pending', attempts, lastError: outcome.error, lockedUntil: null, nextAttemptAt: new Date(now.getTime() + delay) } },
    );
    this.logger.info({ outboxId: item._id, channel: item.channel, attempts, delayMs: delay, error: outcome.error }, 'outbound message will be retried');
    return 'retried';
  }

  /** Exponential backoff with ±20 % jitter, so a recovering platform is not hit all at once. */
  private backoff(attempts: number) {
    const base = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** (attempts - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private async notifySettled(item: OutboxItem, status: SettledStatus, error: string | null) {
    for (const listener of this.settledListeners) {
      try {
        await listener(item, status, error);
      } catch (err) {
        this.logger.error({ err, outboxId: item._id }, 'delivery listener failed');
      }
    }
  }

  /** When the earliest pending message is due, for the scheduler; null when none is pending. */
  async nextDueAt(): Promise<Date | null> {
    const next = await this.items.findOne({ status: 'pending' }, { sort: { nextAttemptAt: 1 } });
    return next?.nextAttemptAt ?? null;
  }
}
