import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataCipher } from '../../app/crypto.js';
import { createLogger } from '../../app/logger.js';
import type { ChannelSender, DeliveryResult, OutboundMessage } from '../../bot/channels/channel.js';
import { OutboxModel } from '../../models/index.js';
import { Outbox, type OutboxOptions } from '../../outbox/outbox.service.js';
import type { Store } from '../../store/index.js';
import { eventually } from '../helpers/telegram-child.js';
import { enginesUnderTest, undoesFailedTransactions } from '../helpers/engines.js';

const logger = createLogger('silent');
const cipher = new DataCipher(crypto.randomBytes(32));

/** A platform that takes a little while per message (a few ms, at random) and records what it got. */
class RecordingPlatform {
  readonly received: { recipient: string; text: string; by: string }[] = [];
  private readonly inFlight = new Map<string, number>();
  maxInFlightPerRecipient = 0;
  maxInFlight = 0;

  sender(by: string): ChannelSender {
    return {
      channel: 'telegram',
      send: async (chatId: string, message: OutboundMessage): Promise<DeliveryResult> => {
        this.inFlight.set(chatId, (this.inFlight.get(chatId) ?? 0) + 1);
        this.maxInFlightPerRecipient = Math.max(this.maxInFlightPerRecipient, this.inFlight.get(chatId)!);
        this.maxInFlight = Math.max(this.maxInFlight, [...this.inFlight.values()].reduce((a, b) => a + b, 0));
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 4));
        this.received.push({ recipient: chatId, text: message.text, by });
        this.inFlight.set(chatId, this.inFlight.get(chatId)! - 1);
        return { ok: true };
      },
    };
  }

  textsOf(recipient: string) {
    return this.received.filter((r) => r.recipient === recipient).map((r) => r.text);
  }
}

const message = (recipient: string, text: string) => ({
  channel: 'telegram' as const,
  addressEnc: cipher.encrypt(recipient),
  recipientKey: `telegram:${recipient}`,
  message: { text },
});

function outboxOn(store: Store, platform: RecordingPlatform, name: string, options: Partial<OutboxOptions> = {}) {
  const outbox = new Outbox(store, cipher, logger, { baseDelayMs: 5, maxDelayMs: 20, ...options });
  outbox.registerSender(platform.sender(name));
  return outbox;
}

describe.each(enginesUnderTest())('Outbox delivery ($name engine)', (engine) => {
  let store: Store;
  let platform: RecordingPlatform;
  const running: Outbox[] = [];

  beforeEach(async () => {
    store = await engine.open();
    platform = new RecordingPlatform();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((o) => o.stopDelivery()));
    await store.close();
  });

  const started = (name: string, options: Partial<OutboxOptions> = {}) => {
    const outbox = outboxOn(store, platform, name, options);
    outbox.startDelivery();
    running.push(outbox);
    return outbox;
  };

  it('sends a message as soon as it is enqueued, with no sweep and no scheduler running', async () => {
    const outbox = started('a');

    const [item] = await outbox.enqueue([message('chat-1', 'Chào em')]);

    await eventually(() => platform.received.length === 1, 5000, () => 'the message to arrive');
    expect(platform.received).toEqual([{ recipient: 'chat-1', text: 'Chào em', by: 'a' }]);
    await eventually(async () => (await store.collection(OutboxModel).findOne({ _id: item!._id }))?.status === 'sent', 5000, () => 'the item to be marked sent');
  });

  it('sends a message enqueued in a transaction (a turn) only once the transaction has committed, and then at once', async () => {
    const outbox = started('a');
    let receivedInside = -1;
    await store.transaction(async () => {
      await outbox.enqueue([message('chat-tx', 'Anh chị đã nhận được thư của em')]);
      // Every chance for a delivery woken too early to run: it would find the message inside the transaction.
      for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
      receivedInside = platform.received.length;
    });
    expect(receivedInside).toBe(0);
    await eventually(() => platform.received.length === 1, 5000, () => 'the message to arrive after the commit');
    expect(platform.textsOf('chat-tx')).toEqual(['Anh chị đã nhận được thư của em']);
  });

  it('never sends a message whose transaction rolled back', async (context) => {
    if (!undoesFailedTransactions(store)) context.skip();
    const outbox = started('a');
    const failed = store.transaction(async () => {
      await outbox.enqueue([message('chat-undone', 'never sent')]);
      throw new Error('the turn failed');
    });
    await expect(failed).rejects.toThrow('the turn failed');
    await outbox.deliverDue();
    expect(platform.received).toEqual([]);
    expect(await store.collection(OutboxModel).count({ recipientKey: 'telegram:chat-undone' })).toBe(0);
  });

  it('keeps each recipient\'s messages in order and one at a time, while serving several recipients at once', async () => {
    const outbox = started('a', { concurrency: 4 });
    const recipients = Array.from({ length: 8 }, (_, r) => `chat-${r}`);

    // Eight conversations taking turns at once, each turn enqueueing two replies.
    await Promise.all(
      recipients.map(async (r) => {
        for (let turn = 0; turn < 4; turn++) await outbox.enqueue([message(r, `${r} #${turn}a`), message(r, `${r} #${turn}b`)]);
      }),
    );

    await eventually(() => platform.received.length === 64, 10_000, () => `all 64 messages, got ${platform.received.length}`);
    for (const r of recipients) {
      expect(platform.textsOf(r)).toEqual([0, 1, 2, 3].flatMap((turn) => [`${r} #${turn}a`, `${r} #${turn}b`]));
    }
    expect(platform.maxInFlightPerRecipient).toBe(1);
    expect(platform.maxInFlight).toBeGreaterThan(1);
    expect(platform.maxInFlight).toBeLessThanOrEqual(4);
  });

  it('holds a recipient\'s later messages while an earlier one waits for its retry, and then sends them in order', async () => {
    const outbox = started('a');
    let failures = 2;
    outbox.registerSender({
      channel: 'telegram',
      send: async (chatId, m) => {
        if (m.text === 'first' && failures-- > 0) return { ok: false, permanent: false, error: '502: Bad Gateway' };
        return platform.sender('a').send(chatId, m);
      },
    });

    await outbox.enqueue([message('chat-1', 'first'), message('chat-1', 'second')]);
    await outbox.enqueue([message('chat-2', 'other')]);

    await eventually(() => platform.received.length === 3, 5000, () => `3 messages, got ${JSON.stringify(platform.received)}`);
    expect(platform.textsOf('chat-1')).toEqual(['first', 'second']);
    expect(platform.textsOf('chat-2')).toEqual(['other']);
    expect((await store.collection(OutboxModel).findOne({ recipientKey: 'telegram:chat-1' }, { sort: { seq: 1 } }))?.attempts).toBe(2);
  });

  it('never sends a message twice when two instances deliver from one store', async () => {
    const a = started('a', { concurrency: 3 });
    const b = started('b', { concurrency: 3 });
    const recipients = Array.from({ length: 6 }, (_, r) => `chat-${r}`);

    await Promise.all(
      recipients.map(async (r, i) => {
        const via = i % 2 === 0 ? a : b;
        for (let n = 0; n < 6; n++) await via.enqueue([message(r, `${r} #${n}`)]);
      }),
    );
    // Both instances' sweeps run as well, as their recurring jobs would.
    await Promise.all([a.deliverDue(), b.deliverDue(), a.deliverDue(), b.deliverDue()]);

    await eventually(() => platform.received.length >= 36, 10_000, () => `36 messages, got ${platform.received.length}`);
    await Promise.all([a.stopDelivery(), b.stopDelivery()]);
    expect(platform.received).toHaveLength(36);
    for (const r of recipients) expect(platform.textsOf(r)).toEqual([0, 1, 2, 3, 4, 5].map((n) => `${r} #${n}`));
    expect(platform.maxInFlightPerRecipient).toBe(1);
    expect(await store.collection(OutboxModel).count({ status: 'sent' })).toBe(36);
  });

  it('leaves a message it had taken on but not yet sent to the next worker at once when delivery stops, not after its lease', async () => {
    const hours = 60 * 60_000;
    // One lane: the second chat's message waits for it while the first one's is being sent.
    const stopping = started('a', { concurrency: 1, sendTimeoutMs: hours });
    await stopping.enqueue([message('chat-first', 'Chào em')]);
    const [waiting] = await stopping.enqueue([message('chat-second', 'Anh chị đã nhận được thư của em')]);
    expect(waiting).toMatchObject({ status: 'sending' });

    await stopping.stopDelivery();
    const next = outboxOn(store, platform, 'b', { sendTimeoutMs: hours });
    expect(await next.deliverDue()).toMatchObject({ sent: 1 });

    expect(platform.textsOf('chat-second')).toEqual(['Anh chị đã nhận được thư của em']);
    expect(platform.received.map((r) => `${r.recipient} by ${r.by}`).sort()).toEqual(['chat-first by a', 'chat-second by b']);
  });

  it('takes over a message whose worker claimed it and died before sending, once the lease has run out', async () => {
    // The worker that "dies": it claims the message, and its send never comes back.
    const dead = new Outbox(store, cipher, logger, { sendTimeoutMs: 150 });
    dead.registerSender({ channel: 'telegram', send: () => new Promise<DeliveryResult>(() => {}) });
    dead.startDelivery();
    const [item] = await dead.enqueue([message('chat-1', 'Anh chị đã đọc thư của em.')]);
    await eventually(async () => (await store.collection(OutboxModel).findOne({ _id: item!._id }))?.status === 'sending', 5000, () => 'the claim');
    const live = outboxOn(store, platform, 'live');

    // The recurring sweep of a live instance, until the lease has run out and it takes over.
    await eventually(async () => (await live.deliverDue()).sent === 1, 5000, () => 'the live instance to take the message over');

    expect(platform.received).toEqual([{ recipient: 'chat-1', text: 'Anh chị đã đọc thư của em.', by: 'live' }]);
    expect(await store.collection(OutboxModel).findOne({ _id: item!._id })).toMatchObject({ status: 'sent', claimId: null });
  });
});
