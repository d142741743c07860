import type { DataCipher } from '../app/crypto.js';
import type { Logger } from '../app/logger.js';
import { OutboxModel, type Channel, type OutboxChannel, type OutboxItem } from '../models/index.js';
import { newId } from '../models/ids.js';
import { isDuplicateKey, type Store } from '../store/index.js';
import { recipientKey } from './recipient-key.js';
import type { ChannelSender, DeliveryResult, OutboundMessage } from '../bot/channels/channel.js';
import { DeliveryLanes } from './delivery.lanes.js';

export interface OutboxOptions {
  /** Attempts before a message is marked undelivered. */
  maxAttempts: number;
  /** First retry delay; doubles each attempt up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a claimed message may stay "sending" before another worker takes it over (crash recovery). */
  sendTimeoutMs: number;
  /** Recipients served at once (each recipient's own messages still leave one at a time). */
  concurrency: number;
}

export const DEFAULT_OUTBOX_OPTIONS: OutboxOptions = {
  maxAttempts: 25,
  baseDelayMs: 2_000,
  maxDelayMs: 15 * 60_000,
  sendTimeoutMs: 2 * 60_000,
  concurrency: 8,
};

/**
 * A message for the outbox: to a chat, or (with a subject) an e-mail to staff. `sealed`: the
 * text is encrypted with the data key while it waits (an e-mail carrying a one-time link); the
 * sender opens it.
 */
export type OutboxMessage = OutboundMessage & { subject?: string; sealed?: boolean };

/** Sends one kind of outbox message: a chat channel's sender, or staff e-mail. */
export interface OutboxSender {
  readonly channel: OutboxChannel;
  send(address: string, message: OutboxMessage): Promise<DeliveryResult>;
  /** A chat channel's clean-up of what it keeps for a chat (see ChannelSender). */
  forgetChat?: ChannelSender['forgetChat'];
  /** Ends the sender's thread, if it runs on one, once delivery has stopped; a later send starts it again. */
  stopThread?(): Promise<void>;
}

export interface EnqueueInput {
  channel: OutboxChannel;
  addressEnc: string;
  /** Messages with the same key leave in the order they were enqueued. */
  recipientKey: string;
  message: OutboxMessage;
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
 * The outbox: every outbound message is stored here first, then delivered. Once the app calls
 * `startDelivery`, a message goes out as soon as it is enqueued (an in-process lane per
 * recipient); `deliverDue`, run by agenda's recurring job, is the fallback that finds what no
 * lane took: messages left after a restart, enqueued by another instance, or whose retry is due.
 *
 * A message is sent only by the worker that claimed it in the store (status `sending`, a fresh
 * `claimId`, a lease until `lockedUntil`), and only the earliest unsent message of a recipient
 * can be claimed: so one recipient's messages leave strictly in order, never two in flight, and
 * two instances on one store never send the same message twice. A claim whose worker died is
 * taken over once its lease has run out.
 */
export class Outbox {
  private readonly senders = new Map<OutboxChannel, OutboxSender>();
  private readonly settledListeners: SettledListener[] = [];
  private lanes: DeliveryLanes | null = null;
  /** Per recipient, the message stored claimed by this process for its lane to send first. */
  private readonly handedOver = new Map<string, OutboxItem>();
  private readonly totals: DeliveryRunResult = { sent: 0, retried: 0, undelivered: 0 };
  private readonly options: OutboxOptions;

  constructor(
    private readonly store: Store,
    private readonly cipher: DataCipher,
    private readonly logger: Logger,
    options: Partial<OutboxOptions> = {},
  ) {
    this.options = { ...DEFAULT_OUTBOX_OPTIONS, ...options };
  }

  private get items() {
    return this.store.collection(OutboxModel);
  }

  registerSender(sender: OutboxSender) {
    this.senders.set(sender.channel, sender);
  }

  connectedChannels(): OutboxChannel[] {
    return [...this.senders.keys()];
  }

  onSettled(listener: SettledListener) {
    this.settledListeners.push(listener);
  }

  /** From now on, messages are delivered as soon as they are enqueued (and retries when due). */
  startDelivery(): void {
    this.lanes ??= this.newLanes();
  }

  /** Stops delivering in this process and waits for the sends under way. */
  async stopDelivery(): Promise<void> {
    const lanes = this.lanes;
    this.lanes = null;
    await lanes?.stop();
    // What was handed over and not sent goes back to waiting, for whichever worker comes next.
    const unsent = [...this.handedOver.values()];
    this.handedOver.clear();
    for (const item of unsent) await this.items.updateOne({ _id: item._id, status: 'sending', claimId: item.claimId }, { $set: { status: 'pending', lockedUntil: null, claimId: null } });
    await Promise.all([...this.senders.values()].map((sender) => sender.stopThread?.()));
  }

  /**
   * Forgets a chat: its channel erases what it keeps, and messages already delivered (or
   * refused) are deleted — they would tie the chat to its case codes. Pending ones still go.
   */
  async forgetChat(contact: { channel: Channel; pseudonym: string }): Promise<void> {
    await this.senders.get(contact.channel)?.forgetChat?.(contact.pseudonym);
    await this.items.deleteMany({ recipientKey: recipientKey(contact), status: { $in: ['sent', 'undelivered'] } });
  }

  /**
   * Stores messages for delivery; a repeated dedupeKey is ignored. Returns the stored items.
   * While this process delivers, a message with nothing unsent before it for its recipient is
   * stored already claimed by this process and handed to its lane: one write, not a read and
   * two writes, for the common case of a reply to a waiting chat.
   */
  async enqueue(inputs: EnqueueInput[]): Promise<OutboxItem[]> {
    const stored: OutboxItem[] = [];
    const handed: OutboxItem[] = [];
    const seen = new Set<string>();
    for (const input of inputs) {
      const first = !seen.has(input.recipientKey);
      seen.add(input.recipientKey);
      const claim = first && this.lanes && (await this.laneIsEmpty(input.recipientKey)) ? this.newClaim(new Date()) : null;
      try {
        const item = await this.items.insertOne({
          channel: input.channel,
          addressEnc: input.addressEnc,
          recipientKey: input.recipientKey,
          payload: { ...input.message },
          messageId: input.messageId ?? null,
          ...(input.dedupeKey ? { dedupeKey: input.dedupeKey } : {}),
          ...claim,
        });
        stored.push(item);
        if (claim) handed.push(item);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    // Not before the messages are there for every worker: a turn enqueues inside its transaction.
    const recipients = new Set(stored.map((item) => item.recipientKey));
    if (recipients.size)
      this.store.afterCommit(() => {
        if (!this.lanes) return; // delivery stopped meanwhile: the claims run out, the sweep takes them
        for (const item of handed) this.handedOver.set(item.recipientKey, item);
        this.lanes.wake(recipients);
      });
    return stored;
  }

  /** True when the recipient has no message waiting or being sent (anywhere, by any process). */
  private async laneIsEmpty(recipientKey: string): Promise<boolean> {
    return (await this.items.count({ recipientKey, status: { $in: ['pending', 'sending'] } })) === 0;
  }

  private newClaim(now: Date) {
    return { status: 'sending' as const, claimId: newId(), lockedUntil: new Date(now.getTime() + this.options.sendTimeoutMs) };
  }

  /**
   * The message stored claimed for this recipient and handed to its lane, if any. One whose
   * lease has run half its time (it waited for a free lane) is renewed first; null when the
   * claim was lost meanwhile (another worker took it over).
   */
  private async takeHandedOver(recipientKey: string, now: Date): Promise<OutboxItem | null> {
    const item = this.handedOver.get(recipientKey);
    if (!item) return null;
    this.handedOver.delete(recipientKey);
    if (item.lockedUntil!.getTime() - now.getTime() > this.options.sendTimeoutMs / 2) return item;
    const renewed = { lockedUntil: new Date(now.getTime() + this.options.sendTimeoutMs) };
    const held = await this.items.updateOne({ _id: item._id, status: 'sending', claimId: item.claimId }, { $set: renewed });
    return held ? { ...item, ...renewed } : null;
  }

  /**
   * Delivers every message that is due, in order per recipient, until none is left to try now
   * (the recurring job's sweep). Counts what settled in this process while it ran.
   */
  async deliverDue(now = () => new Date()): Promise<DeliveryRunResult> {
    const lanes = this.lanes ?? this.newLanes(now);
    const before = { ...this.totals };
    for (let progressed = true; progressed; ) {
      const recipients = await this.dueRecipients(now());
      if (recipients.size === 0) break;
      const settledBefore = this.totals.sent + this.totals.undelivered;
      lanes.wake(recipients);
      await lanes.idle();
      progressed = this.totals.sent + this.totals.undelivered > settledBefore;
    }
    if (lanes !== this.lanes) await lanes.stop();
    return { sent: this.totals.sent - before.sent, retried: this.totals.retried - before.retried, undelivered: this.totals.undelivered - before.undelivered };
  }

  private newLanes(now = () => new Date()) {
    return new DeliveryLanes(this.options.concurrency, (key, stopping) => this.deliverRecipient(key, stopping, now), this.logger);
  }

  /** Recipients with a message due now, or one whose claim has expired (its worker died). */
  private async dueRecipients(now: Date): Promise<Set<string>> {
    const [due, expired] = await Promise.all([
      this.items.find({ status: 'pending', nextAttemptAt: { $lte: now } }, { sort: { nextAttemptAt: 1 }, limit: 1000 }),
      this.items.find({ status: 'sending', lockedUntil: { $lt: now } }, { limit: 1000 }),
    ]);
    return new Set([...expired, ...due].map((item) => item.recipientKey));
  }

  /** Sends one recipient's messages, earliest first, until one must wait (a retry) or none is left. */
  private async deliverRecipient(recipientKey: string, stopping: () => boolean, now: () => Date): Promise<void> {
    const handed = await this.takeHandedOver(recipientKey, now());
    if (handed) {
      const outcome = await this.sendOne(handed, now());
      this.totals[outcome] += 1;
      if (outcome === 'retried') return;
    }
    while (!stopping()) {
      const next = await this.items.findOne({ recipientKey, status: { $in: ['pending', 'sending'] } }, { sort: { seq: 1 } });
      if (!next) return;
      // Not due yet, or another worker holds it (that worker carries on with this recipient).
      const claimed = await this.claim(next, now());
      if (!claimed) return;
      const outcome = await this.sendOne(claimed, now());
      this.totals[outcome] += 1;
      if (outcome === 'retried') return;
    }
  }

  /** Claims a message for this worker (see the class); null when it is not due or another worker holds it. */
  private async claim(item: OutboxItem, now: Date): Promise<OutboxItem | null> {
    const claim = this.newClaim(now);
    // The message was just read (the lane's head): the claim need not read it back.
    const claimed = await this.items.updateOne(
      { _id: item._id, $or: [{ status: 'pending', nextAttemptAt: { $lte: now } }, { status: 'sending', lockedUntil: { $lt: now } }] },
      { $set: claim },
    );
    return claimed ? { ...item, ...claim } : null;
  }

  private async sendOne(item: OutboxItem, now: Date): Promise<keyof DeliveryRunResult> {
    const outcome = await this.attempt(item);
    if (outcome.ok) {
      await this.settle(item, { status: 'sent', sentAt: now, lastError: null }, 'sent', null);
      return 'sent';
    }
    const attempts = item.attempts + 1;
    if (outcome.permanent || attempts >= this.options.maxAttempts) {
      this.logger.warn({ outboxId: item._id, channel: item.channel, attempts, error: outcome.error }, 'outbound message undelivered');
      await this.settle(item, { status: 'undelivered', attempts, lastError: outcome.error }, 'undelivered', outcome.error);
      return 'undelivered';
    }
    const delay = outcome.retryAfterMs ?? this.backoff(attempts);
    await this.release(item, { status: 'pending', attempts, lastError: outcome.error, nextAttemptAt: new Date(now.getTime() + delay) });
    this.logger.info({ outboxId: item._id, channel: item.channel, attempts, delayMs: delay, error: outcome.error }, 'outbound message will be retried');
    this.lanes?.wakeLater(item.recipientKey, delay);
    return 'retried';
  }

  private async attempt(item: OutboxItem): Promise<DeliveryResult> {
    const sender = this.senders.get(item.channel);
    if (!sender) return { ok: false, permanent: false, error: 'channel_not_connected' };
    try {
      return await sender.send(this.cipher.decrypt(item.addressEnc), item.payload as unknown as OutboxMessage);
    } catch (err) {
      return { ok: false, permanent: false, error: err instanceof Error ? err.message : 'send_failed' };
    }
  }

  /** Records a final outcome, if this worker still holds the claim, and tells the listeners. */
  private async settle(item: OutboxItem, fields: Partial<OutboxItem>, status: SettledStatus, error: string | null) {
    const settled = await this.release(item, fields);
    if (settled) await this.notifySettled(settled, status, error);
  }

  /** Ends this worker's claim with `fields`; null when the claim had expired and was taken over. */
  private async release(item: OutboxItem, fields: Partial<OutboxItem>): Promise<OutboxItem | null> {
    const ended = { ...fields, lockedUntil: null, claimId: null };
    const released = await this.items.updateOne({ _id: item._id, status: 'sending', claimId: item.claimId }, { $set: ended });
    if (!released) this.logger.warn({ outboxId: item._id, channel: item.channel }, 'outbox claim expired during the send; another worker took the message over');
    return released ? { ...item, ...ended } : null;
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
}
