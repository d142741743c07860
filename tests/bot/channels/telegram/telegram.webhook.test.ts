import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InboundMessage, InboundSink } from '../../../../bot/channels/channel.js';
import { setTelegramWebhook, telegramWebhookRouter } from '../../../../bot/channels/telegram/telegram.adapter.js';
import { FakeBotApi, waitUntil } from '../../../fakes/fake-bot-api.js';

const SECRET = 'hop-thu-xanh_webhook_secret_123';
const CHAT = 51234567;
const fixtures = new FakeBotApi(); // builds updates only; no server

describe('telegramWebhookRouter', () => {
  let server: Server;
  let url: string;
  let received: InboundMessage[];
  let sink: InboundSink;

  beforeEach(async () => {
    received = [];
    sink = async (m) => (received.push(m), { duplicate: false });
    const app = express();
    app.use(telegramWebhookRouter({ secret: SECRET, sink: (m) => sink(m), logger: pino({ level: 'silent' }) }));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/telegram`;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (body: string, headers: Record<string, string> = { 'x-telegram-bot-api-secret-token': SECRET }) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('answers 401 and stores nothing when the secret header is missing', async () => {
    const res = await post(JSON.stringify(fixtures.userSendsText(CHAT, 'hi')), {});
    expect(res.status).toBe(401);
    expect(received).toEqual([]);
  });

  it('answers 401 and stores nothing when the secret is wrong', async () => {
    const res = await post(JSON.stringify(fixtures.userSendsText(CHAT, 'hi')), { 'x-telegram-bot-api-secret-token': `${SECRET}x` });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(received).toEqual([]);
  });

  it('answers 400 and stores nothing when the body is not JSON', async () => {
    const res = await post('{"update_id": 1, "message": ');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'invalid_json' } });
    expect(received).toEqual([]);
  });

  it('answers 400 with the reason when the update has no update_id', async () => {
    const res = await post(JSON.stringify({ message: { text: 'hi' } }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ ok: false, error: { code: 'invalid_update', message: expect.stringContaining('update_id') } });
    expect(received).toEqual([]);
  });

  it('answers 400 when update_id is not an integer', async () => {
    const res = await post(JSON.stringify({ update_id: '12', message: {} }));
    expect(res.status).toBe(400);
    expect(received).toEqual([]);
  });

  it('answers 200 and stores nothing for an update type it ignores', async () => {
    const res = await post(JSON.stringify({ update_id: 6, edited_message: { message_id: 1, chat: { id: CHAT, type: 'private' }, date: 1, edit_date: 2, text: 'x' } }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(received).toEqual([]);
  });

  it('answers 200 only after the sink has stored the update', async () => {
    let release!: () => void;
    const stored = new Promise<void>((resolve) => (release = resolve));
    let answered = false;
    let entered = false;
    sink = async (m) => {
      entered = true;
      await stored;
      received.push(m);
      return { duplicate: false };
    };

    const update = fixtures.userSendsText(CHAT, 'Em cần giúp');
    const response = post(JSON.stringify(update)).then((res) => ((answered = true), res));
    await waitUntil(() => entered, 2000, () => 'the sink to be called');
    // Proving an absence needs a window: a response sent early would arrive well within 50 ms.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);

    release();
    const res = await response;
    expect(res.status).toBe(200);
    expect(received).toMatchObject([{ updateId: String(update.update_id), text: 'Em cần giúp', chatId: String(CHAT) }]);
  });

  it('answers a button press in the webhook reply itself', async () => {
    const update = fixtures.userPressesButton(CHAT, 'menu.report');
    const res = await post(JSON.stringify(update));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ method: 'answerCallbackQuery', callback_query_id: (update.callback_query as { id: string }).id });
    expect(received[0]?.payload).toBe('menu.report');
  });

  it('answers 500 when the sink throws, so Telegram delivers the update again', async () => {
    sink = async () => {
      throw new Error('store down');
    };
    const res = await post(JSON.stringify(fixtures.userSendsText(CHAT, 'hi')));
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'not_stored' } });
  });

  it('refuses to start with a secret Telegram would not accept', () => {
    expect(() => telegramWebhookRouter({ secret: 'has spaces', sink, logger: pino({ level: 'silent' }) })).toThrow(/secret/);
  });
});

describe('setTelegramWebhook', () => {
  let api: FakeBotApi;
  beforeEach(async () => {
    api = await new FakeBotApi().start();
  });
  afterEach(() => api.stop());

  it('sets the webhook with the secret and only the update types the bot reads', async () => {
    await setTelegramWebhook({ token: api.token, apiRoot: api.apiRoot, url: 'https://bot.example.org/webhooks/telegram', secret: SECRET });
    expect(api.webhookSet).toEqual({ url: 'https://bot.example.org/webhooks/telegram', secret_token: SECRET, allowed_updates: ['message', 'callback_query'] });
  });
});
