import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, newId, newSession, type Entry } from '../../../helpers/web-chat.js';
import { loadConfig } from '../../../../app/config.js';
import { startApp, type App } from '../../../../app/app.js';
import * as models from '../../../../models/index.js';
import { ContactModel, InboundUpdateModel, WebTranscriptModel, type ModelDef } from '../../../../models/index.js';
import { engineEnv } from '../../../helpers/engines.js';

describe('web chat API (the real app, in-process)', () => {
  let app: App;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'htx-webchat-api-'));
    const config = loadConfig({ ...engineEnv(), PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', QUICK_EXIT_URL: 'http://127.0.0.1:1/neutral' });
    app = await startApp(config, { processEvery: 50, outboxEvery: '1 second' });
  });
  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (session: string | null, body: unknown, raw?: string) =>
    fetch(`${app.url}/chat/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(session === null ? {} : { 'x-chat-session': session }) },
      body: raw ?? JSON.stringify(body),
    });
  const list = async (session: string, after = 0): Promise<Entry[]> => {
    const res = await fetch(`${app.url}/chat/api/messages?after=${after}`, { headers: { 'x-chat-session': session } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { messages: Entry[] }).messages;
  };
  const transcriptCount = () => app.store.collection(WebTranscriptModel).count({});
  const updateCount = () => app.store.collection(InboundUpdateModel).count({});

  it('when the session header is malformed, then it answers 400 and stores nothing', async () => {
    const before = [await transcriptCount(), await updateCount()];
    for (const session of [null, '', 'short', `${newSession()}x`, `${newSession().slice(0, 42)}+`]) {
      const res = await post(session, { id: newId(), text: 'xin chào' });
      expect(res.status, `session ${String(session)}`).toBe(400);
    }
    const get = await fetch(`${app.url}/chat/api/messages`, { headers: { 'x-chat-session': 'nope' } });
    expect(get.status).toBe(400);
    expect([await transcriptCount(), await updateCount()]).toEqual(before);
  });

  it('when the body is not JSON, then it answers 400 and stores nothing', async () => {
    const before = [await transcriptCount(), await updateCount()];
    const res = await post(newSession(), null, '{"id": "abcdefgh", "text": ');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ ok: false, error: 'bad_request' });
    expect([await transcriptCount(), await updateCount()]).toEqual(before);
  });

  it('when neither text nor payload is given (or the id is bad), then it answers 400', async () => {
    const session = newSession();
    const before = [await transcriptCount(), await updateCount()];
    for (const body of [{ id: newId() }, { id: newId(), text: '   ' }, { text: 'xin chào' }, { id: 'a b', text: 'xin chào' }]) {
      const res = await post(session, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect([await transcriptCount(), await updateCount()]).toEqual(before);
    expect(await list(session)).toEqual([]);
  });

  it('when a child starts the chat, then the greeting and the menu appear in the transcript', async () => {
    const session = newSession();
    const res = await post(session, { id: newId(), text: '/start' });
    expect(res.status).toBe(202);
    const entries = await eventually(() => list(session), (e) => e.some((m) => m.from === 'bot' && m.options?.length));
    expect(entries[0]).toMatchObject({ from: 'child', text: '/start' });
    const bot = entries.filter((m) => m.from === 'bot');
    expect(bot[0]!.text).toContain('111');
    expect(bot.at(-1)!.options!.flat().map((o) => o.id)).toContain('m.report');
    // `after` returns only what is newer.
    expect(await list(session, entries.at(-1)!.seq)).toEqual([]);
  });

  it('when a button is pressed, then its label is the child message and the bot answers the next question', async () => {
    const session = newSession();
    await post(session, { id: newId(), text: '/start' });
    const start = await eventually(() => list(session), (e) => e.some((m) => m.options?.length));
    const res = await post(session, { id: newId(), payload: 'm.report', label: 'Báo bạo lực, xâm hại' });
    expect(res.status).toBe(202);
    const next = await eventually(() => list(session, start.at(-1)!.seq), (e) => e.some((m) => m.from === 'bot'));
    expect(next[0]).toMatchObject({ from: 'child', text: 'Báo bạo lực, xâm hại' });
    const question = next.find((m) => m.from === 'bot')!;
    expect(question.options!.flat().map((o) => o.id)).toEqual(expect.arrayContaining(['a.danger.yes', 'a.danger.no', 'c.skip', 'c.emergency']));
  });

  it('when the same message id is posted twice, then it is kept and handled once', async () => {
    const session = newSession();
    await post(session, { id: newId(), text: '/start' });
    const start = await eventually(() => list(session), (e) => e.some((m) => m.options?.length));
    const id = newId();
    const first = await post(session, { id, payload: 'm.emergency', label: 'Số khẩn cấp' });
    const second = await post(session, { id, payload: 'm.emergency', label: 'Số khẩn cấp' });
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ ok: true, duplicate: true });
    await eventually(() => list(session, start.at(-1)!.seq), (e) => e.some((m) => m.from === 'bot'));
    // Let any (wrong) second handling land before counting.
    await app.inbound.idle();
    await app.outbox.deliverDue();
    const all = await list(session, start.at(-1)!.seq);
    expect(all.filter((m) => m.from === 'child')).toHaveLength(1);
    expect(all.filter((m) => m.from === 'bot' && m.text.includes('113'))).toHaveLength(1);
    expect(await app.store.collection(InboundUpdateModel).count({ _id: { $regex: `:${id}$` } })).toBe(1);
  });

  /** What an ended session's token gets: 410 for reading, writing and uploading, and nothing stored. */
  async function expectRefused(session: string) {
    const before = [await transcriptCount(), await updateCount()];
    const read = await fetch(`${app.url}/chat/api/messages`, { headers: { 'x-chat-session': session } });
    expect(read.status).toBe(410);
    expect(await read.json()).toMatchObject({ ok: false, error: 'session_ended' });
    expect((await post(session, { id: newId(), text: 'em viết thêm' })).status).toBe(410);
    const upload = await fetch(`${app.url}/chat/api/uploads?id=${newId()}`, { method: 'POST', headers: { 'x-chat-session': session }, body: 'x' });
    expect(upload.status).toBe(410);
    expect([await transcriptCount(), await updateCount()]).toEqual(before);
  }

  it('when the quick exit is called with the token as the body, then the transcript is wiped and the token refused', async () => {
    const session = newSession();
    await post(session, { id: newId(), text: '/start' });
    await eventually(() => list(session), (e) => e.some((m) => m.options?.length));
    // navigator.sendBeacon sends a text/plain body.
    const res = await fetch(`${app.url}/chat/api/exit`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: session });
    expect(res.status).toBe(204);
    await app.inbound.idle();
    await expectRefused(session);
  });

  it('when a child ends the chat in the middle of a report, then their words are filed in a case and the old token gets nothing', async () => {
    const session = newSession();
    await post(session, { id: newId(), text: '/start' });
    await eventually(() => list(session), (e) => e.some((m) => m.options?.length));
    await post(session, { id: newId(), payload: 'm.report', label: 'Báo cáo' });
    await eventually(() => list(session), (e) => e.some((m) => m.from === 'bot' && /nguy hiểm/.test(m.text) && !!m.options?.length));
    await post(session, { id: newId(), text: 'chú hàng xóm hay nhìn trộm em tắm' });
    await app.inbound.idle();
    const end = await fetch(`${app.url}/chat/api/end`, { method: 'POST', headers: { 'x-chat-session': session } });
    expect(end.status).toBe(204);
    await app.inbound.idle();
    const filed = await app.store.collection(models.MessageModel).findOne({ text: 'chú hàng xóm hay nhìn trộm em tắm' });
    expect(filed?.caseId).toBeTruthy();
    const messagesBefore = await app.store.collection(models.MessageModel).count({ caseId: filed!.caseId });
    await expectRefused(session);
    await app.inbound.idle();
    expect(await app.store.collection(models.MessageModel).count({ caseId: filed!.caseId })).toBe(messagesBefore);
    // Ending twice changes nothing; a malformed token is refused.
    expect((await fetch(`${app.url}/chat/api/end`, { method: 'POST', headers: { 'x-chat-session': session } })).status).toBe(204);
    expect((await fetch(`${app.url}/chat/api/end`, { method: 'POST', body: 'nope' })).status).toBe(400);
  });

  it('when a child asks to be forgotten, then the old token is refused afterwards', async () => {
    const session = newSession();
    await post(session, { id: newId(), text: '/start' });
    await eventually(() => list(session), (e) => e.some((m) => m.options?.length));
    await post(session, { id: newId(), text: 'quên tôi' });
    await eventually(() => list(session), (e) => e.some((m) => m.options?.some((row) => row.some((o) => /forget/.test(o.id)))));
    const yes = (await list(session)).flatMap((m) => m.options ?? []).flat().find((o) => /forget/.test(o.id) && /yes/.test(o.id))!;
    await post(session, { id: newId(), payload: yes.id, label: yes.label });
    await app.inbound.idle();
    await expectRefused(session);
  });

  it('when a child has chatted, then no IP address is stored anywhere', async () => {
    const session = newSession();
    await post(session, { id: newId(), text: '/start' });
    await post(session, { id: newId(), text: 'bố em đánh em rất đau' });
    await eventually(() => list(session), (e) => e.some((m) => m.from === 'bot' && m.text.includes('113')));
    await app.inbound.idle();

    const contacts = await app.store.collection(ContactModel).find({});
    expect(contacts.length).toBeGreaterThan(0);
    expect(contacts.every((c) => c.channel === 'web' && !JSON.stringify(c).includes(session))).toBe(true);
    const allModels = (Object.values(models) as unknown[]).filter((v): v is ModelDef<{ _id: string }> => typeof v === 'object' && v !== null && 'schema' in v && 'name' in v);
    expect(allModels.length).toBeGreaterThan(5);
    for (const model of allModels) {
      const json = JSON.stringify(await app.store.collection(model).find({}));
      expect(json, model.name).not.toContain('127.0.0.1');
      expect(json, model.name).not.toContain(session);
    }
    // Nor in anything else the embedded engine (or the scheduler) wrote to disk.
    for (const file of fs.readdirSync(dataDir, { recursive: true, encoding: 'utf8' })) {
      const full = path.join(dataDir, file);
      if (fs.statSync(full).isFile()) expect(fs.readFileSync(full, 'utf8'), file).not.toContain('127.0.0.1');
    }
  });

  it('when one chat floods, then it is told to slow down and the extra messages are not taken, while other chats go on', async () => {
    const session = newSession();
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) statuses.push((await post(session, { id: newId(), text: 'ok' })).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    await app.inbound.idle();
    const taken = (await list(session)).filter((m) => m.from === 'child').length;
    expect(taken).toBe(statuses.filter((s) => s === 202).length);
    expect((await post(newSession(), { id: newId(), text: '/start' })).status).toBe(202);
  });
});
