/**
 * Flood protection, the same on every channel (it lives in the inbound path, not in a channel):
 * past its limit a chat gets one kind "wait a moment" with 111, then its messages are kept
 * without an answer — never its first message, never risk words or a request for the numbers.
 * And every way in refuses a body over its size limit, storing nothing.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../locales/i18n.js';
import { CaseModel, InboundUpdateModel, MessageModel, WebTranscriptModel } from '../../models/index.js';
import { startChannelWorld, TELEGRAM_SECRET, type ChannelDriver, type ChannelWorld } from './channel-drivers.js';

const vi = tr('vi');
const LIMIT = 4;
const joined = (texts: string[]) => texts.join('\n');

let world: ChannelWorld;
beforeAll(async () => {
  // A window of a day: the messages a test counts never straddle two windows.
  world = await startChannelWorld({ FLOOD_LIMIT: String(LIMIT), FLOOD_WINDOW_SECONDS: '86400' });
});
afterAll(async () => {
  await world?.close();
});

const driver = (name: string): ChannelDriver => world.drivers.find((d) => d.channel === name)!;

/** The texts of the child's messages stored in cases (what counsellors read). */
async function caseWords(marker: string): Promise<string[]> {
  const messages = await world.app.store.collection(MessageModel).find({ author: 'child' });
  return messages.map((m) => m.text).filter((t) => t.includes(marker));
}

describe.each(['telegram', 'zalo', 'web'] as const)('flood protection on %s', (name) => {
  it('answers up to the limit, then says "wait a moment" once with 111, then keeps the rest quietly; risk words and 111 are still answered, and the quiet words reach the case', async () => {
    const child = driver(name).child();
    const marker = crypto.randomBytes(4).toString('hex');
    const story = (n: number) => `Em kể tiếp chuyện ${marker} phần ${n} ạ`;
    expect(joined(await child.says('chào'))).toContain('111');
    for (let n = 2; n <= LIMIT; n++) expect(await child.says(story(n))).not.toEqual([]);
    const notice = await child.says(story(LIMIT + 1));
    expect(notice).toHaveLength(1);
    expect(notice[0]!.startsWith(vi('bot.flood.wait'))).toBe(true);
    expect(notice[0]).toContain('111');
    expect(await child.says(story(LIMIT + 2))).toEqual([]);
    expect(await child.says(story(LIMIT + 3))).toEqual([]);

    // Still over the limit: asking for the numbers, or words of danger, are answered at once.
    expect(joined(await child.says('111'))).toContain('113');
    const risk = joined(await child.says('bố em đánh em đau lắm'));
    expect(risk).toContain('111');
    expect(risk).toMatch(/113|115/);
    // The case the risk words opened holds everything written, the quiet messages too.
    const words = await caseWords(marker);
    expect(words).toEqual(Array.from({ length: LIMIT + 2 }, (_, i) => story(i + 2)));
    const found = await world.app.store.collection(MessageModel).findOne({ text: story(LIMIT + 3) });
    expect(await world.app.store.collection(CaseModel).findOne({ _id: found!.caseId })).toMatchObject({ channel: name, priority: 'urgent' });
  });

  it('keeps the words of a flooded report in its draft, and they reach the case', async () => {
    const child = driver(name).child();
    const marker = crypto.randomBytes(4).toString('hex');
    const story = (n: number) => `Chuyện ${marker} ở nhà, đoạn ${n}`;
    await child.says('chào');
    expect(joined(await child.says('bao cao'))).toContain(vi('bot.q.danger'));
    await child.says(story(3));
    expect(joined(await child.says(story(4)))).toContain(vi('bot.q.danger'));
    expect(joined(await child.says(story(5)))).toContain(vi('bot.flood.wait'));
    expect(await child.says(story(6))).toEqual([]);
    // Danger in the middle of the report opens its case with everything written so far.
    expect(joined(await child.says('chú hàng xóm sờ vào người em'))).toContain('111');
    expect(await caseWords(marker)).toEqual([3, 4, 5, 6].map(story));
  });

  // On the web, "forget me" retires the session: the page's next chat is another contact anyway.
  it.skipIf(name === 'web')("never holds back a chat's first message: past its limit, a chat that said \"forget me\" is greeted when it writes again", async () => {
    const child = driver(name).child();
    await child.says('chào');
    await child.says('ừm');
    expect(joined(await child.says('quên tôi'))).toContain(vi('bot.forget_confirm').slice(0, 20));
    expect(joined(await child.says('có'))).toContain(vi('bot.forgotten'));
    // The chat's limit is spent (four messages), but this is a new contact's first message.
    const greeting = joined(await child.says('chào'));
    expect(greeting).toContain('111');
    expect(greeting).not.toContain(vi('bot.flood.wait'));
  });
});

describe('bodies over the size limit', () => {
  it('are refused with 413 on the Telegram webhook and the web chat, and nothing is stored', async () => {
    const updates = world.app.store.collection(InboundUpdateModel);
    const transcripts = world.app.store.collection(WebTranscriptModel);
    const [updatesBefore, transcriptsBefore] = [await updates.count({}), await transcripts.count({})];
    const big = 'x'.repeat(1_100_000);
    const telegram = await fetch(`${world.app.url}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET },
      body: JSON.stringify({ update_id: 77_000_001, message: { message_id: 1, date: 1, chat: { id: 77_000_001, type: 'private' }, text: big } }),
    });
    expect(telegram.status).toBe(413);
    const web = await fetch(`${world.app.url}/chat/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chat-session': crypto.randomBytes(32).toString('base64url') },
      body: JSON.stringify({ id: 'oversized-1', text: big.slice(0, 40_000) }),
    });
    expect(web.status).toBe(413);
    expect(await updates.count({})).toBe(updatesBefore);
    expect(await transcripts.count({})).toBe(transcriptsBefore);
  });
});
