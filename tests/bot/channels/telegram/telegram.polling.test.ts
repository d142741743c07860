import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundMessage, InboundSink } from '../../../../bot/channels/channel.js';
import { startTelegramPolling, type TelegramPolling } from '../../../../bot/channels/telegram/telegram.adapter.js';
import { FakeBotApi, waitUntil } from '../../../fakes/fake-bot-api.js';

const CHAT = 51234567;

describe('startTelegramPolling', () => {
  let api: FakeBotApi;
  let polling: TelegramPolling | undefined;
  let logLines: string[];
  const logger = () => pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });

  const start = (sink: InboundSink) =>
    startTelegramPolling({ token: api.token, apiRoot: api.apiRoot, sink, logger: logger(), pollTimeoutSeconds: 5, backoffMs: 20 }).then((p) => (polling = p));

  beforeEach(async () => {
    logLines = [];
    api = await new FakeBotApi().start();
  });
  afterEach(async () => {
    await polling?.stop();
    polling = undefined;
    await api.stop();
  });

  it('deletes the webhook before polling, keeping pending updates', async () => {
    api.webhookSet = { url: 'https://example.org/webhooks/telegram' };
    const early = api.userSendsText(CHAT, 'tin nhắn trước khi khởi động');
    const received: InboundMessage[] = [];
    await start(async (m) => (received.push(m), { duplicate: false }));

    await waitUntil(() => received.length === 1, 2000, () => 'the pending update to reach the sink');
    expect(api.webhookSet).toBeNull();
    expect(api.calls[0]).toEqual({ method: 'deleteWebhook', params: { drop_pending_updates: false } });
    expect(received[0]?.updateId).toBe(String(early.update_id));
  });

  it('delivers updates to the sink in order', async () => {
    const received: InboundMessage[] = [];
    await start(async (m) => (received.push(m), { duplicate: false }));

    api.userSendsText(CHAT, '/start');
    api.userPressesButton(CHAT, 'menu.report');
    api.userSendsPhoto(CHAT);
    await waitUntil(() => received.length === 3, 2000, () => `3 updates at the sink, got ${received.length}`);

    expect(received.map((m) => m.text ?? m.payload ?? m.attachments[0]?.kind)).toEqual(['/start', 'menu.report', 'photo']);
  });

  it('acknowledges an update only after the sink has resolved for it', async () => {
    let release!: () => void;
    const stored = new Promise<void>((resolve) => (release = resolve));
    let sinkCalls = 0;
    await start(async () => {
      sinkCalls++;
      await stored;
      return { duplicate: false };
    });

    const update = api.userSendsText(CHAT, 'Em sợ về nhà');
    await waitUntil(() => sinkCalls === 1, 2000, () => 'the sink to be called');
    expect(api.getUpdatesCalls.some((c) => (c.offset ?? 0) > update.update_id)).toBe(false);
    expect(api.pendingUpdates.map((u) => u.update_id)).toEqual([update.update_id]);

    release();
    await waitUntil(() => api.getUpdatesCalls.some((c) => c.offset === update.update_id + 1), 2000, () => 'getUpdates with the next offset');
    expect(api.pendingUpdates).toEqual([]);
  });

  it('fetches the same update again when the sink throws, and moves on once it is stored', async () => {
    const seen: string[] = [];
    let offsetsBeforeRetry: (number | undefined)[] = [];
    await start(async (m) => {
      seen.push(m.updateId);
      if (seen.length === 1) throw new Error('store down');
      if (seen.length === 2) offsetsBeforeRetry = api.getUpdatesCalls.map((c) => c.offset);
      return { duplicate: false };
    });

    const first = api.userSendsText(CHAT, 'lần đầu');
    await waitUntil(() => seen.length === 2, 2000, () => `the update to be fetched again, sink saw ${seen.length}`);
    expect(seen).toEqual([String(first.update_id), String(first.update_id)]);
    // It came back from a second getUpdates that had not confirmed it.
    expect(offsetsBeforeRetry.length).toBeGreaterThanOrEqual(2);
    expect(offsetsBeforeRetry.every((offset) => offset === undefined || offset <= first.update_id)).toBe(true);

    const second = api.userSendsText(CHAT, 'lần hai');
    await waitUntil(() => seen.length === 3, 2000, () => 'the next update');
    expect(seen[2]).toBe(String(second.update_id));
  });

  it('keeps an update that is followed by others in the same batch when its store fails', async () => {
    const a = api.userSendsText(CHAT, 'một');
    const b = api.userSendsText(CHAT, 'hai');
    const seen: string[] = [];
    await start(async (m) => {
      seen.push(m.updateId);
      if (seen.length === 1) throw new Error('store down');
      return { duplicate: false };
    });

    await waitUntil(() => seen.length === 3, 2000, () => `three sink calls, got ${seen.length}`);
    expect(seen).toEqual([a.update_id, a.update_id, b.update_id].map(String));
  });

  it('answers a button press after storing it', async () => {
    const order: string[] = [];
    await start(async () => (order.push('stored'), { duplicate: false }));

    const update = api.userPressesButton(CHAT, 'menu.advice');
    const queryId = (update.callback_query as { id: string }).id;
    await waitUntil(() => api.answeredCallbacks.includes(queryId), 2000, () => 'answerCallbackQuery');
    expect(order).toEqual(['stored']);
  });

  it('skips updates it ignores, acknowledging them too', async () => {
    const received: InboundMessage[] = [];
    await start(async (m) => (received.push(m), { duplicate: false }));

    const group = api.pushUpdate({ message: { message_id: 1, chat: { id: -100123, title: 'Lớp', type: 'supergroup' }, date: 1, text: 'hi' } });
    const text = api.userSendsText(CHAT, 'xin chào');
    await waitUntil(() => received.length === 1);
    expect(received[0]?.updateId).toBe(String(text.update_id));
    await waitUntil(() => api.getUpdatesCalls.some((c) => c.offset === text.update_id + 1));
    expect(group.update_id).toBeLessThan(text.update_id);
  });

  it('confirms what it stored when stopped, so a restart does not repeat it', async () => {
    const received: InboundMessage[] = [];
    await start(async (m) => (received.push(m), { duplicate: false }));
    const update = api.userSendsText(CHAT, 'tạm biệt');
    await waitUntil(() => received.length === 1);

    await polling?.stop();
    expect(api.getUpdatesCalls.some((c) => c.offset === update.update_id + 1)).toBe(true);
    expect(api.pendingUpdates).toEqual([]);
  });

  it('lets the update in hand finish storing when stopped, and acknowledges it', async () => {
    let release!: () => void;
    const stored = new Promise<void>((resolve) => (release = resolve));
    let entered = false;
    let finished = false;
    await start(async () => {
      entered = true;
      await stored;
      finished = true;
      return { duplicate: false };
    });
    const update = api.userSendsText(CHAT, 'đang lưu');
    await waitUntil(() => entered);

    let stopped = false;
    const stopping = polling?.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 30)); // a window to prove stop() waits
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);
    expect(api.getUpdatesCalls.at(-1)?.offset).toBe(update.update_id + 1);
  });

  it('never logs message text, names or chat ids', async () => {
    const received: InboundMessage[] = [];
    let failed = false;
    await start(async (m) => {
      if (!failed) {
        failed = true;
        throw new Error(`cannot store "${m.text}"`);
      }
      received.push(m);
      return { duplicate: false };
    });
    api.pushUpdate({ edited_message: { message_id: 1, chat: { id: CHAT, first_name: 'Lan', type: 'private' }, date: 1, text: 'bí mật' } });
    api.userSendsText(CHAT, 'bí mật');
    await waitUntil(() => received.length === 1);

    expect(logLines.length).toBeGreaterThan(0);
    const logs = logLines.join('\n');
    expect(logs).toContain('telegram update not stored');
    expect(logs).not.toMatch(/bí mật|Lan|lan_2011/);
    expect(logs).not.toContain(String(CHAT));
  });

  it('fails to start when Telegram refuses the token', async () => {
    await expect(
      startTelegramPolling({ token: '7000000001:AAH-wrong-token-xxxxxxxxxxxx', apiRoot: api.apiRoot, sink: async () => ({ duplicate: false }), logger: logger() }),
    ).rejects.toThrow(/401/);
  });
});
