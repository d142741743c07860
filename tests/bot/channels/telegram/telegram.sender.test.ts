import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TelegramSender, splitText } from '../../../../bot/channels/telegram/telegram.adapter.js';
import { FakeBotApi } from '../../../fakes/fake-bot-api.js';

const CHAT = 51234567;

describe('TelegramSender', () => {
  let api: FakeBotApi;
  let sender: TelegramSender;

  beforeEach(async () => {
    api = await new FakeBotApi().start();
    sender = new TelegramSender({ token: api.token, apiRoot: api.apiRoot });
  });
  afterEach(() => api.stop());

  it('sends the text and renders options as an inline keyboard, one row per options row', async () => {
    const result = await sender.send(String(CHAT), {
      text: 'Bạn muốn làm gì?',
      options: [
        [{ id: 'menu.report', label: 'Báo tin' }, { id: 'menu.advice', label: 'Xin tư vấn' }],
        [{ id: 'menu.opinion', label: 'Góp ý' }],
      ],
    });

    expect(result).toEqual({ ok: true });
    const [message] = await api.waitForMessages(CHAT, 1);
    expect(message?.text).toBe('Bạn muốn làm gì?');
    expect(message?.reply_markup).toEqual({
      inline_keyboard: [
        [{ text: 'Báo tin', callback_data: 'menu.report' }, { text: 'Xin tư vấn', callback_data: 'menu.advice' }],
        [{ text: 'Góp ý', callback_data: 'menu.opinion' }],
      ],
    });
  });

  it('sends a message without options with no keyboard at all', async () => {
    await sender.send(String(CHAT), { text: 'Cảm ơn bạn.' });
    const [message] = await api.waitForMessages(CHAT, 1);
    expect(message?.reply_markup).toBeUndefined();
  });

  it('refuses for good an option id longer than 64 bytes, without calling Telegram', async () => {
    const result = await sender.send(String(CHAT), { text: 'Chọn', options: [[{ id: 'ý'.repeat(33), label: 'Quá dài' }]] });
    expect(result).toMatchObject({ ok: false, permanent: true });
    expect(api.calls).toHaveLength(0);
  });

  it('gives retryAfterMs from retry_after when Telegram answers 429', async () => {
    api.failNext(1, { status: 429, retryAfter: 7, description: 'Too Many Requests: retry after 7' });
    const result = await sender.send(String(CHAT), { text: 'Xin chào' });
    expect(result).toEqual({ ok: false, permanent: false, retryAfterMs: 7000, error: '429: Too Many Requests: retry after 7' });
  });

  it('marks a 500 as worth retrying', async () => {
    api.failNext(1, { status: 500 });
    expect(await sender.send(String(CHAT), { text: 'Xin chào' })).toMatchObject({ ok: false, permanent: false });
  });

  it('marks a blocked bot (403) as permanent', async () => {
    api.failNext(1, { status: 403, description: 'Forbidden: bot was blocked by the user' });
    expect(await sender.send(String(CHAT), { text: 'Xin chào' })).toEqual({
      ok: false,
      permanent: true,
      error: '403: Forbidden: bot was blocked by the user',
    });
  });

  it('marks a chat that does not exist (400) as permanent', async () => {
    api.failNext(1, { status: 400, description: 'Bad Request: chat not found' });
    expect(await sender.send(String(CHAT), { text: 'Xin chào' })).toMatchObject({ ok: false, permanent: true });
  });

  it('keeps the message for a retry when our token is refused, since the bot and not the chat is at fault', async () => {
    const wrongToken = new TelegramSender({ token: '7000000001:AAH-not-the-right-token_xxxxxxxx', apiRoot: api.apiRoot });
    expect(await wrongToken.send(String(CHAT), { text: 'Xin chào' })).toMatchObject({ ok: false, permanent: false, error: '401: Unauthorized' });
  });

  it('delivers after a failure once Telegram recovers', async () => {
    api.failNext(1, { status: 500 });
    await sender.send(String(CHAT), { text: 'Lần một' });
    expect(await sender.send(String(CHAT), { text: 'Lần một' })).toEqual({ ok: true });
    expect(await api.waitForMessages(CHAT, 1)).toHaveLength(1);
  });

  it('splits a text over 4096 characters into several messages with the options on the last', async () => {
    const paragraph = 'Điều 4 Luật Trẻ em: bảo vệ trẻ em là việc thực hiện các biện pháp phù hợp.\n';
    const text = paragraph.repeat(120); // about 9 000 characters
    const result = await sender.send(String(CHAT), { text, options: [[{ id: 'menu', label: 'Về menu' }]] });

    expect(result).toEqual({ ok: true });
    const messages = await api.waitForMessages(CHAT, 3);
    expect(messages.every((m) => m.text.length <= 4096)).toBe(true);
    expect(messages.map((m) => m.text).join('\n')).toBe(text);
    expect(messages.slice(0, -1).every((m) => m.reply_markup === undefined)).toBe(true);
    expect(messages.at(-1)?.reply_markup?.inline_keyboard).toEqual([[{ text: 'Về menu', callback_data: 'menu' }]]);
  });
});

describe('TelegramSender when Telegram cannot be reached', () => {
  it('reports a refused connection as worth retrying', async () => {
    const closedPort = await freePort();
    const sender = new TelegramSender({ token: '1:x', apiRoot: `http://127.0.0.1:${closedPort}` });
    expect(await sender.send('1', { text: 'Xin chào' })).toEqual({ ok: false, permanent: false, error: 'network: ECONNREFUSED' });
  });

  it('gives up on a request that hangs and reports it as worth retrying', async () => {
    const silent = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const sender = new TelegramSender({ token: '1:x', apiRoot: `http://127.0.0.1:${port(silent)}`, requestTimeoutMs: 100 });
      expect(await sender.send('1', { text: 'Xin chào' })).toEqual({ ok: false, permanent: false, error: 'network: timeout' });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('splitText', () => {
  it('keeps a short text whole', () => {
    expect(splitText('Xin chào')).toEqual(['Xin chào']);
  });

  it('cuts at a space when there is no line break', () => {
    expect(splitText('aaaa bbbb cccc', 10)).toEqual(['aaaa bbbb', 'cccc']);
  });

  it('never splits an emoji in two', () => {
    const parts = splitText(`${'a'.repeat(9)}😀bbb`, 10);
    expect(parts).toEqual(['a'.repeat(9), '😀bbb']);
  });
});

async function freePort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const p = port(server);
  await new Promise((resolve) => server.close(resolve));
  return p;
}

function port(server: Server): number {
  return (server.address() as AddressInfo).port;
}
