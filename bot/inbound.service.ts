import type { DataCipher } from '../app/crypto.js';
import type { Logger } from '../app/logger.js';
import { tr } from '../locales/i18n.js';
import { ContactModel, InboundUpdateModel, type Channel, type Contact, type InboundUpdate } from '../models/index.js';
import type { Outbox } from '../outbox/outbox.service.js';
import { recipientKey } from '../outbox/recipient-key.js';
import { isDuplicateKey, type Store } from '../store/index.js';
import type { InboundMessage, OutboundMessage } from './channels/channel.js';
import type { ConversationEngine } from './conversation/conversation.engine.js';
import type { FloodGuard, Flooded } from './flood.guard.js';

/** After this many failed attempts an update is given up, and the child gets a kind error with 111. */
const MAX_ATTEMPTS = 5;
const PROCESSING_LEASE_MS = 60_000;

/** What is stored of an update until it is handled: the channel's own id, and the message sealed. */
interface StoredEvent {
  sealed: string;
  /** The chat's outbox key (a pseudonym, not its id), kept apart so a sweep can order work per chat. */
  chatKey?: string;
  /** What updates stored before `chatKey` kept instead: the chat's sealed id. */
  chatIdEnc?: string;
}

/** An update this process has just stored, and its message; `claimed` when stored claimed. */
interface Fresh {
  stored: InboundUpdate;
  msg: InboundMessage;
  claimed: boolean;
}

/** An update claimed for handling: its stored record (as after the claim) and its message. */
interface Claimed {
  update: InboundUpdate;
  msg: InboundMessage;
}

/**
 * Takes every inbound message: stores it first (so the platform is acknowledged only once we
 * have it, and a repeat is recognised), then runs it through the conversation and puts the
 * replies in the outbox. Messages of one chat are handled one at a time, in order. A crash
 * between storing and handling loses nothing: the sweep picks up what is still pending.
 * Flood protection for every channel is applied here, once: each message is counted against
 * its contact's limit (`FloodGuard`), and the conversation keeps a message past it quietly.
 */
export class InboundService {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly cipher: DataCipher,
    private readonly engine: ConversationEngine,
    private readonly outbox: Outbox,
    private readonly logger: Logger,
    private readonly flood: FloodGuard | null = null,
  ) {}

  private get updates() {
    return this.store.collection(InboundUpdateModel);
  }
  private get contacts() {
    return this.store.collection(ContactModel);
  }

  /** Stores the message; resolves once it is safe to acknowledge. Handling continues in the background. */
  async receive(msg: InboundMessage): Promise<{ duplicate: boolean }> {
    const { chatId } = msg;
    // Sealed whole: the embedded engine's append-only files keep old versions until compaction.
    const key = this.recipientKey(msg.channel, chatId);
    const event: StoredEvent = { sealed: this.cipher.encrypt(JSON.stringify(msg)), chatKey: key };
    // Nothing of this chat waits before it here: it is stored already claimed by this process
    // (one write, not two), exactly as a claim right after storing would leave it.
    const claimed = !this.chains.has(key);
    let stored: InboundUpdate;
    try {
      stored = await this.updates.insertOne({
        _id: `${msg.channel}:${msg.updateId}`,
        channel: msg.channel,
        event: { ...event },
        ...(claimed ? { ...this.lease(), attempts: 1 } : {}),
      });
    } catch (err) {
      if (isDuplicateKey(err)) return { duplicate: true };
      throw err;
    }
    this.schedule(stored._id, key, { stored, msg, claimed });
    return { duplicate: false };
  }

  /** Handles every update still pending (after a crash, or after a failure). */
  async processPending(): Promise<number> {
    const pending = await this.updates.find(
      { $or: [{ status: 'pending' }, { status: 'processing', lockedUntil: { $lt: new Date() } }] },
      { sort: { createdAt: 1 }, limit: 500 },
    );
    for (const u of pending) {
      const event = u.event as unknown as StoredEvent;
      this.schedule(u._id, event.chatKey ?? this.recipientKey(u.channel, this.cipher.decrypt(event.chatIdEnc!)));
    }
    await this.idle();
    return pending.length;
  }

  /** Resolves when nothing is being handled (for shutdown and tests). */
  async idle() {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private recipientKey(channel: Channel, chatId: string) {
    return recipientKey({ channel, pseudonym: this.cipher.pseudonym(channel, chatId) });
  }

  /** Queues an update behind its chat's earlier ones; `fresh` when this process has just stored it. */
  private schedule(updateId: string, key: string, fresh?: Fresh) {
    const previous = this.chains.get(key) ?? Promise.resolve();
    const run = previous.then(() => this.process(updateId, fresh)).catch((err) => this.logger.error({ err, updateId }, 'inbound handling failed'));
    this.chains.set(key, run);
    this.inFlight.add(run);
    void run.finally(() => {
      this.inFlight.delete(run);
      if (this.chains.get(key) === run) this.chains.delete(key);
    });
  }

  private async process(updateId: string, fresh?: Fresh) {
    const claimed = (fresh && (await this.claimFresh(fresh))) || (await this.claimStored(updateId));
    if (!claimed) return;
    const { update, msg } = claimed;
    const chatId = msg.chatId;
    try {
      const { contact, created } = await this.contactFor(update.channel, chatId, msg.lang);
      // Counted once, outside the turn's transaction: a retried turn is not counted again.
      const flooded = await this.floodOf(update, msg, created);
      const turn = async () => {
        const replies = await this.engine.handle(contact, msg, flooded);
        await this.reply(update, chatId, replies, contact.addressEnc);
        // The words now live in the case or the conversation; the dedupe record keeps no copy.
        await this.updates.updateOne({ _id: updateId }, { $set: { status: 'done', lockedUntil: null, event: { handled: true } } });
      };
      // One turn, one transaction: the conversation, the case, the alerts, the replies and the
      // update marked done are stored together or not at all (a failed turn is retried whole),
      // and the replies leave once it has committed. The last attempt runs step by step instead:
      // should it fail again, what it got done first — staff alerted of danger, the child's
      // words kept — stays.
      await (update.attempts < MAX_ATTEMPTS ? this.store.transaction(turn) : turn());
    } catch (err) {
      await this.onFailure(update, chatId, err);
    }
  }

  private lease() {
    return { status: 'processing' as const, lockedUntil: new Date(Date.now() + PROCESSING_LEASE_MS) };
  }

  /**
   * Claims an update this process has just stored, with what it already holds: no read of the
   * stored update and no unsealing. One stored claimed whose lease still has most of its time
   * is ours without a write (no one may take it before the lease runs out); otherwise the claim
   * is renewed or taken only if the update is still as stored. Null when it is not (another
   * instance's sweep took it first): then it is claimed as any stored update.
   */
  private async claimFresh({ stored, msg, claimed }: Fresh): Promise<Claimed | null> {
    if (claimed && stored.lockedUntil!.getTime() - Date.now() > PROCESSING_LEASE_MS / 2) return { update: stored, msg };
    const lease = this.lease();
    const won = claimed
      ? await this.updates.updateOne({ _id: stored._id, status: 'processing', lockedUntil: stored.lockedUntil }, { $set: lease })
      : await this.updates.updateOne({ _id: stored._id, status: 'pending', attempts: 0 }, { $set: lease, $inc: { attempts: 1 } });
    return won ? { update: { ...stored, ...lease, attempts: 1 }, msg } : null;
  }

  /** Claims a stored update (pending, or its lease run out) and unseals its message; null when another worker has it. */
  private async claimStored(updateId: string): Promise<Claimed | null> {
    const update = await this.updates.findOneAndUpdate(
      { _id: updateId, $or: [{ status: 'pending' }, { status: 'processing', lockedUntil: { $lt: new Date() } }] },
      { $set: this.lease(), $inc: { attempts: 1 } },
    );
    if (!update) return null;
    const event = update.event as unknown as StoredEvent;
    return { update, msg: JSON.parse(this.cipher.decrypt(event.sealed)) as InboundMessage };
  }

  /** `sealedAddress`: the chat id as the contact keeps it sealed, if it does (one encryption less per turn). */
  private async reply(update: InboundUpdate, chatId: string, replies: OutboundMessage[], sealedAddress?: string | null) {
    const addressEnc = sealedAddress ?? this.cipher.encrypt(chatId);
    await this.outbox.enqueue(
      replies.map((message, i) => ({
        channel: update.channel,
        addressEnc,
        recipientKey: this.recipientKey(update.channel, chatId),
        message,
        dedupeKey: `${update._id}:${update.attempts}:${i}`,
      })),
    );
  }

  private async onFailure(update: InboundUpdate, chatId: string, err: unknown) {
    const giveUp = update.attempts >= MAX_ATTEMPTS;
    this.logger.error({ err, updateId: update._id, attempts: update.attempts, giveUp }, 'could not handle an inbound message');
    await this.updates.findOneAndUpdate(
      { _id: update._id },
      { $set: { status: giveUp ? 'failed' : 'pending', lockedUntil: null, lastError: err instanceof Error ? err.message.slice(0, 500) : 'error' } },
    );
    if (update.attempts === 1 || giveUp) {
      // Never a dead end: the child hears something kind, with 111, while we retry.
      await this.reply(update, chatId, [{ text: tr('vi')('bot.error') }]);
    }
  }

  /**
   * Counts the message against its contact's flood limit (once: not again when handling is
   * retried). A contact's first message is never held back, nor the end of a web chat.
   */
  private async floodOf(update: InboundUpdate, msg: InboundMessage, firstMessage: boolean): Promise<Flooded | undefined> {
    if (!this.flood || update.attempts > 1 || msg.endSession) return undefined;
    const flooded = await this.flood.count(this.recipientKey(update.channel, msg.chatId));
    return flooded && !firstMessage ? flooded : undefined;
  }

  /** The contact for a chat, created on first contact; found by pseudonym, never by the clear id. */
  private async contactFor(channel: InboundUpdate['channel'], chatId: string, lang: InboundMessage['lang']): Promise<{ contact: Contact; created: boolean }> {
    const pseudonym = this.cipher.pseudonym(channel, chatId);
    const found = await this.contacts.findOne({ channel, pseudonym });
    if (found) return { contact: found, created: false };
    try {
      return { contact: await this.contacts.insertOne({ channel, pseudonym, addressEnc: this.cipher.encrypt(chatId), lang: lang ?? 'vi' }), created: true };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return { contact: (await this.contacts.findOne({ channel, pseudonym }))!, created: false };
    }
  }
}
