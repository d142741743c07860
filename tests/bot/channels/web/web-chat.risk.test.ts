import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../../../app/app.js';
import { loadConfig } from '../../../../app/config.js';
import { tr } from '../../../../locales/i18n.js';
import { CaseModel } from '../../../../models/index.js';
import { eventually, newId, newSession, type Entry } from '../../../helpers/web-chat.js';
import { engineEnv } from '../../../helpers/engines.js';

const vi = tr('vi');
const en = tr('en');

describe('Danger in the web chat, in both languages (the real app, in-process)', () => {
  let app: App;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'htx-webchat-risk-'));
    const config = loadConfig({ ...engineEnv(), PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', QUICK_EXIT_URL: 'http://127.0.0.1:1/neutral' });
    app = await startApp(config, { processEvery: 50, outboxEvery: '1 second' });
  });
  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const list = async (session: string): Promise<Entry[]> => {
    const res = await fetch(`${app.url}/chat/api/messages?after=0`, { headers: { 'x-chat-session': session } });
    return ((await res.json()) as { messages: Entry[] }).messages;
  };
  /** Sends text and waits until the bot has answered with a message containing `wanted`. */
  async function says(session: string, text: string, lang: 'vi' | 'en', wanted: string): Promise<Entry[]> {
    const before = (await list(session)).length;
    const res = await fetch(`${app.url}/chat/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chat-session': session },
      body: JSON.stringify({ id: newId(), text, lang }),
    });
    expect(res.status).toBe(202);
    const entries = await eventually(() => list(session), (e) => e.slice(before).some((m) => m.from === 'bot' && m.text.includes(wanted)));
    return entries.slice(before).filter((m) => m.from === 'bot');
  }
  const urgentCases = () => app.store.collection(CaseModel).find({ priority: 'urgent' });

  it('answers an English "i want to die" with the numbers and an urgent case', async () => {
    const before = (await urgentCases()).length;
    const answer = await says(newSession(), 'i want to die', 'en', en('crisis_fixes.serious_self_harm'));
    expect(answer.map((m) => m.text).join('\n')).toContain('111');
    expect((await urgentCases()).length).toBe(before + 1);
  });

  it('answers "cứu" alone with the emergency numbers', async () => {
    const answer = await says(newSession(), 'cứu', 'vi', '113');
    expect(answer.map((m) => m.text).join('\n')).toContain('111');
  });

  it('stays in crisis mode after danger now: the next message gets the same short answer, no menu', async () => {
    const session = newSession();
    const callFirst = en('crisis.call_113', { provinceLine: '' }).split('\n')[0]!;
    const first = await says(session, 'my stepdad is hitting me right now', 'en', callFirst);
    expect(first.map((m) => m.text).join('\n')).toContain(en('crisis_fixes.first.hit_now'));

    const next = await says(session, 'he is still outside my door', 'en', en('crisis.still_here'));

    expect(next.flatMap((m) => m.options?.flat() ?? []).map((o) => o.id)).not.toContain('m.report');
  });

  it('in Vietnamese, stays in crisis mode after "bị nhốt" until the child is safe', async () => {
    const session = newSession();
    await says(session, 'em bị nhốt trong nhà kho', 'vi', vi('crisis_fixes.first.locked_in'));
    await says(session, 'em sợ lắm', 'vi', vi('crisis.still_here'));
    const safe = await says(session, 'em an toàn rồi', 'vi', vi('bot.menu_prompt'));
    expect(safe.map((m) => m.text).join('\n')).toContain(vi('crisis.safe'));
    expect(safe.map((m) => m.text).join('\n')).toMatch(/Mã thư của em: HTX-/);
  });
});
