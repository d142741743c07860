import { DATABASE_FILE } from '../../../../store/sqlite/sqlite-database.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, newId, newSession, type Entry } from '../../../helpers/web-chat.js';
import { loadConfig } from '../../../../app/config.js';
import { startApp, type App } from '../../../../app/app.js';
import { tr } from '../../../../locales/i18n.js';
import { CaseModel, EvidenceBlobModel, EvidenceChunkModel, InboundUpdateModel, MessageModel, WebTranscriptModel, type Case } from '../../../../models/index.js';
import { tinyMp3, tinyOgg, tinyPng } from '../../../fakes/media-files.js';
import { engineEnv } from '../../../helpers/engines.js';

const vi = tr('vi');
const CASE_CODE = /HTX-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}/;

describe('web chat uploads: photos and voice recordings kept as evidence (the real app, in-process)', () => {
  let app: App;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'htx-webchat-uploads-'));
    const config = loadConfig({ ...engineEnv(), PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    app = await startApp(config, { processEvery: 50, outboxEvery: '1 second' });
  });
  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const post = (session: string, body: Record<string, unknown>) =>
    fetch(`${app.url}/chat/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chat-session': session },
      body: JSON.stringify({ id: newId(), ...body }),
    });
  const upload = (session: string | null, bytes: Buffer, type = 'application/octet-stream', id = newId()) =>
    fetch(`${app.url}/chat/api/uploads?id=${id}&lang=vi`, {
      method: 'POST',
      headers: { 'content-type': type, ...(session === null ? {} : { 'x-chat-session': session }) },
      body: new Uint8Array(bytes),
    });
  const list = async (session: string): Promise<Entry[]> => {
    const res = await fetch(`${app.url}/chat/api/messages`, { headers: { 'x-chat-session': session } });
    return ((await res.json()) as { messages: Entry[] }).messages;
  };
  /** Waits until the bot's latest message (after `after` entries) asks `question`. */
  const askedNow = (session: string, question: string, after = 0) =>
    eventually(() => list(session), (e) => e.length > after && e.at(-1)?.from === 'bot' && e.at(-1)?.text === question);
  /** What an upload could leave behind. */
  const stored = async () => ({
    blobs: await app.store.collection(EvidenceBlobModel).count({}),
    chunks: await app.store.collection(EvidenceChunkModel).count({}),
    transcripts: await app.store.collection(WebTranscriptModel).count({}),
    updates: await app.store.collection(InboundUpdateModel).count({}),
  });

  /** A child who chose "report" and skipped every question up to the one asking for photos or recordings. */
  async function childAtMediaStep(): Promise<string> {
    const session = newSession();
    await post(session, { text: '/start' });
    await eventually(() => list(session), (e) => e.some((m) => m.options?.length));
    await post(session, { payload: 'm.report', label: vi('bot.menu.report') });
    for (let i = 0; i < 15; i++) {
      const entries = await eventually(() => list(session), (e) => e.at(-1)?.from === 'bot' && (e.at(-1)?.options?.length ?? 0) > 0);
      const last = entries.at(-1)!;
      if (last.text === vi('bot.q.media')) return session;
      const skip = last.options!.flat().find((o) => o.id === 'c.skip' || o.id === 'c.done');
      if (!skip) throw new Error(`nothing to skip in "${last.text.slice(0, 60)}"`);
      await post(session, { payload: skip.id, label: skip.label });
      await eventually(() => list(session), (e) => e.length > entries.length && e.at(-1)?.from === 'bot');
    }
    throw new Error('never asked for photos or recordings');
  }

  /** Presses Skip or Done until the receipt; returns the case it names. */
  async function finishes(session: string): Promise<Case> {
    for (let i = 0; i < 10; i++) {
      const entries = await list(session);
      const code = entries.map((e) => CASE_CODE.exec(e.text)?.[0]).find(Boolean);
      if (code) return (await app.store.collection(CaseModel).findOne({ code }))!;
      const last = entries.at(-1)!;
      const next = last.options?.flat().find((o) => o.id === 'c.skip' || o.id === 'c.done' || o.id === 'a.contact.chat');
      if (!next) throw new Error(`nothing to press in "${last.text.slice(0, 60)}"`);
      await post(session, { payload: next.id, label: next.label });
      await eventually(() => list(session), (e) => e.length > entries.length && e.at(-1)?.from === 'bot');
    }
    throw new Error('no receipt');
  }

  it('when a child sends a photo, a voice note and an MP3 at the photos step, then the case keeps all three as evidence', async () => {
    const session = await childAtMediaStep();
    const png = tinyPng();
    const [ogg, mp3] = [tinyOgg(), tinyMp3()];
    // What the browser claims does not matter: the bytes decide.
    const answers = [await upload(session, png, 'image/png'), await upload(session, ogg, 'audio/ogg'), await upload(session, mp3, 'video/quicktime')];
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202]);
    expect(await Promise.all(answers.map((r) => r.json()))).toEqual([
      { ok: true, duplicate: false, kind: 'photo' },
      { ok: true, duplicate: false, kind: 'voice' },
      { ok: true, duplicate: false, kind: 'voice' },
    ]);
    await askedNow(session, vi('bot.q.media_more'));
    const c = await finishes(session);

    const messages = await app.store.collection(MessageModel).find({ caseId: c._id }, { sort: { seq: 1 } });
    const attachments = messages.flatMap((m) => m.attachments);
    expect(attachments).toEqual([
      { kind: 'photo', ref: expect.stringMatching(/^evidence:[\w-]+$/), mime: 'image/png' },
      { kind: 'voice', ref: expect.stringMatching(/^evidence:[\w-]+$/), mime: 'audio/ogg' },
      { kind: 'voice', ref: expect.stringMatching(/^evidence:[\w-]+$/), mime: 'audio/mpeg' },
    ]);
    // Each file is tied to the case and reads back as sent.
    const withFiles = messages.find((m) => m.attachments.length === 3)!;
    for (const [i, bytes] of [png, ogg, mp3].entries()) {
      expect((await app.cases.evidence.read(c._id, withFiles, i))?.bytes.equals(bytes), `file ${i}`).toBe(true);
    }
    // The transcript says what was sent, and nothing that leads to the files.
    const transcript = await list(session);
    const child = transcript.filter((e) => e.from === 'child').map((e) => e.text);
    expect(child).toEqual(expect.arrayContaining([vi('webchat.photo_sent'), vi('webchat.voice_sent')]));
    expect(child.filter((t) => t.startsWith('📎'))).toHaveLength(3);
    expect(JSON.stringify(transcript)).not.toMatch(/evidence:|iVBOR/);
  });

  it('when the same upload is posted twice, then the file is kept once and taken once', async () => {
    const session = await childAtMediaStep();
    const before = await stored();
    const id = newId();
    const png = tinyPng({ color: [11, 110, 79] });
    expect((await upload(session, png, 'image/png', id)).status).toBe(202);
    const again = await upload(session, png, 'image/png', id);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ ok: true, duplicate: true });
    await askedNow(session, vi('bot.q.media_more'));
    const after = await stored();
    expect([after.blobs - before.blobs, after.chunks - before.chunks, after.updates - before.updates]).toEqual([1, 1, 1]);
    expect((await list(session)).filter((e) => e.text === vi('webchat.photo_sent'))).toHaveLength(1);
  });

  it('when a text file named .png is uploaded, then it is refused with 415 and a clear error, and nothing is stored', async () => {
    const session = await childAtMediaStep();
    const before = await stored();
    const res = await upload(session, Buffer.from('Đây là chữ, không phải ảnh. photo.png'), 'image/png');
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ ok: false, error: 'unsupported_media_type', message: expect.stringContaining('JPEG, PNG, WebP') });
    expect(await stored()).toEqual(before);
  });

  it('when a 9 MB file is uploaded, then it is refused with 413, and nothing is stored', async () => {
    const session = await childAtMediaStep();
    const before = await stored();
    const big = Buffer.concat([tinyPng(), crypto.randomBytes(9 * 1024 * 1024)]);
    const res = await upload(session, big, 'image/png');
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ ok: false, error: 'too_large', message: expect.stringContaining('8 MB') });
    expect(await stored()).toEqual(before);
  });

  it('when the session header or the upload id is missing or malformed, then it answers 400, and nothing is stored', async () => {
    const before = await stored();
    expect((await upload(null, tinyPng(), 'image/png')).status).toBe(400);
    expect((await upload('short', tinyPng(), 'image/png')).status).toBe(400);
    expect((await upload(newSession(), tinyPng(), 'image/png', 'a b')).status).toBe(400);
    expect((await upload(newSession(), Buffer.alloc(0), 'image/png')).status).toBe(400);
    expect(await stored()).toEqual(before);
  });

  it('when a photo has been uploaded, then neither its bytes nor their base64 are in any file under DATA_DIR', async () => {
    const session = await childAtMediaStep();
    // Random pixels: the PNG's bytes occur nowhere by chance.
    const png = tinyPng({ width: 64, height: 64 });
    expect((await upload(session, png, 'image/png')).status).toBe(202);
    await askedNow(session, vi('bot.q.media_more'));
    const c = await finishes(session);
    await app.inbound.idle();
    expect(await app.store.collection(EvidenceBlobModel).count({ caseId: c._id })).toBe(1);

    const needles = [
      png.subarray(100, 164),
      ...[0, 1, 2].map((at) => Buffer.from(png.subarray(at, at + 600).toString('base64').slice(4, 200))),
      Buffer.from(png.subarray(300, 400).toString('hex')),
    ];
    const files = fs.readdirSync(dataDir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dataDir, f)).filter((f) => fs.statSync(f).isFile());
    // The database file and its write-ahead log, where the chunks were written.
    expect(files.some((f) => f.endsWith(DATABASE_FILE))).toBe(true);
    for (const file of files) {
      const content = fs.readFileSync(file);
      for (const needle of needles) expect(content.includes(needle), `${path.relative(dataDir, file)} holds the photo`).toBe(false);
    }
  });

  it('when the child leaves with quick exit, then the transcript forgets that a photo was sent', async () => {
    const session = await childAtMediaStep();
    expect((await upload(session, tinyPng(), 'image/png')).status).toBe(202);
    await askedNow(session, vi('bot.q.media_more'));
    expect((await fetch(`${app.url}/chat/api/exit`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: session })).status).toBe(204);
    await app.inbound.idle();
    // Nothing of the session is left, and its token now reads nothing at all.
    expect(await app.store.collection(WebTranscriptModel).count({ sessionKey: app.cipher.pseudonym('web', session) })).toBe(0);
    expect((await fetch(`${app.url}/chat/api/messages`, { headers: { 'x-chat-session': session } })).status).toBe(410);
  });
});
