import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../../../fakes/fake-bot-api.js';

// The fake stands in for Telegram in every channel test, so its protocol is checked here.
describe('FakeBotApi', () => {
  let api: FakeBotApi;
  const call = (method: string, init?: RequestInit) => fetch(`${api.apiRoot}/bot${api.token}/${method}`, init).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

  beforeEach(async () => {
    api = await new FakeBotApi().start();
  });
  afterEach(() => api.stop());

  it('reads sendMessage sent as form-urlencoded, with reply_markup as a JSON string', async () => {
    const markup = JSON.stringify({ inline_keyboard: [[{ text: 'Có', callback_data: 'yes' }]] });
    const res = await call('sendMessage', { method: 'POST', body: new URLSearchParams({ chat_id: '42', text: 'Chào', reply_markup: markup }) });
    expect(res.body).toMatchObject({ ok: true, result: { text: 'Chào', chat: { id: 42 } } });
    expect(api.sent).toMatchObject([{ chat_id: 42, text: 'Chào', reply_markup: { inline_keyboard: [[{ text: 'Có', callback_data: 'yes' }]] } }]);
  });

  it('reads sendMessage sent as multipart form data', async () => {
    const form = new FormData();
    form.set('chat_id', '42');
    form.set('text', 'Chào bạn');
    await call('sendMessage', { method: 'POST', body: form });
    expect(await api.waitForMessages(42, 1)).toMatchObject([{ text: 'Chào bạn' }]);
  });

  it('reads parameters from the query string of a GET', async () => {
    const res = await call('getUpdates?offset=5&timeout=0');
    expect(res.body).toEqual({ ok: true, result: [] });
    expect(api.getUpdatesCalls).toEqual([{ offset: 5, timeout: 0, limit: 100 }]);
  });

  it('answers with the Bot API error body for an injected fault', async () => {
    api.failNext(1, { status: 429, retryAfter: 3 });
    const res = await call('sendMessage', { method: 'POST', body: new URLSearchParams({ chat_id: '42', text: 'x' }) });
    expect(res).toEqual({ status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 3 } } });
  });

  it('holds a long poll until an update arrives, and forgets updates below the offset', async () => {
    const poll = call('getUpdates', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ timeout: 5 }) });
    const update = api.userSendsText(42, 'xin chào');
    expect((await poll).body).toEqual({ ok: true, result: [update] });
    await call('getUpdates', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offset: update.update_id + 1, timeout: 0 }) });
    expect(api.pendingUpdates).toEqual([]);
  });

  it('refuses getUpdates while a webhook is set, as Telegram does', async () => {
    await call('setWebhook', { method: 'POST', body: new URLSearchParams({ url: 'https://example.org/hook' }) });
    expect((await call('getUpdates')).status).toBe(409);
  });

  it('times out clearly when the expected messages never come', async () => {
    await expect(api.waitForMessages(42, 1, 50)).rejects.toThrow('expected 1 message(s) to chat 42 within 50 ms, got 0');
  });
});
