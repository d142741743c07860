import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelStatusService } from '../../../../bot/channels/channel-status.service.js';
import { splitText } from '../../../../bot/channels/zalo/zalo.adapter.js';
import { ChildReplies } from '../../../../cases/child-reply.js';
import { tr } from '../../../../locales/i18n.js';
import { CaseModel, EvidenceBlobModel, InboundUpdateModel, MessageModel, OutboxModel } from '../../../../models/index.js';
import { caseCodeIn, eventually } from '../../../helpers/telegram-child.js';
import { ZaloHarness } from '../../../helpers/zalo-child.js';
import { AdminClient, createStaffAccount } from '../../../helpers/admin-client.js';

const vi = tr('vi');
const codeIn = (texts: string[]) => caseCodeIn(texts.map((text) => ({ text, chat_id: 0, message_id: 0 })));

describe('Zalo, by polling (one update per getUpdates call, 408 when none)', () => {
  let bot: ZaloHarness;
  beforeAll(async () => {
    bot = await ZaloHarness.start();
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('greets with 111 and shows the menu as numbered lines', async () => {
    const answer = (await bot.child().says('chào')).join('\n');
    expect(answer).toContain('111');
    expect(answer).toContain(`1. ${vi('bot.menu.report')}`);
    expect(answer).toContain(`6. ${vi('bot.menu.lang')}`);
  });

  it('takes a whole report by typed numbers and words, and gives a receipt whose code reads back', () => reportByNumbers(bot));

  it('shows the emergency numbers at once for risk words', async () => {
    const child = bot.child();
    await child.says('chào');
    const answer = (await child.says('em muốn chết')).join('\n');
    // Danger now: the bot stays with the child (crisis mode) with the numbers to call.
    expect(answer).toContain('111');
    expect(answer).toMatch(/113|115/);
  });

  it('answers a withheld message with help, 111, the other numbers and the web chat; the full answer at most hourly', async () => {
    const child = bot.child();
    const first = (await child.isWithheld()).join('\n');
    expect(first).toContain('111');
    expect(first).toContain('113');
    expect(first).toContain('https://hopthuxanh.example.vn/chat');
    const again = await child.isWithheld();
    expect(again).toEqual([vi('bot.unsupported_again', { webChatUrl: 'https://hopthuxanh.example.vn/chat' })]);
  });

  it('keeps a photo as evidence, downloaded from the URL Zalo gives, and thanks kindly for a sticker', async () => {
    const child = bot.child();
    await child.says('chào');
    await child.says('2');
    expect(await child.sendsSticker()).toContain(vi('bot.sticker_thanks'));
    await skipAll(child);
    // After the receipt, a photo goes to the open case at once, and the evidence job fetches it.
    await child.sendsPhoto();
    await eventually(async () => (await bot.app.store.collection(EvidenceBlobModel).count({ source: 'zalo', status: 'stored' })) > 0, 10_000, () => 'no Zalo photo stored');
    expect(bot.fake.downloads.length).toBeGreaterThan(0);
    // The URL is sealed: no stored message carries it.
    const messages = await bot.app.store.collection(MessageModel).find({});
    expect(JSON.stringify(messages)).not.toContain(bot.fake.apiRoot);
  });

  it('keeps voice notes as evidence like photos (url or voice_url), and refuses a file that is no recording or is too large', async () => {
    const child = bot.child();
    await child.says('chào');
    await child.says('2');
    const found = (await bot.app.store.collection(CaseModel).findOne({ code: codeIn(await skipAll(child)) }))!;
    // After the receipt, each voice note goes to the open case at once, and the child is told so.
    expect((await child.sendsVoice()).join('\n')).toContain(vi('bot.appended'));
    await child.sendsVoice({ field: 'voice_url' });
    await child.sendsVoice({ file: 'page' });
    await child.sendsVoice({ file: 'huge' });
    const blobs = bot.app.store.collection(EvidenceBlobModel);
    const settled = async () => (await blobs.find({ caseId: found._id })).filter((b) => b.status !== 'pending');
    await eventually(async () => (await settled()).length === 4, 15_000, async () => `voice notes not settled: ${JSON.stringify(await blobs.find({ caseId: found._id }))}`);
    const byStatus = (await settled()).map((b) => [b.kind, b.status, b.mime ?? b.lastError]).sort();
    expect(byStatus).toEqual([
      ['voice', 'failed', 'file_too_large'],
      ['voice', 'failed', 'unsupported_media_type'],
      ['voice', 'stored', 'audio/aac'],
      ['voice', 'stored', 'audio/aac'],
    ]);
    const messages = await bot.app.store.collection(MessageModel).find({ caseId: found._id });
    expect(messages.flatMap((m) => m.attachments).filter((a) => a.kind === 'voice')).toHaveLength(4);
  });

  it('delivers a counsellor reply, split under 2,000 characters at sentence boundaries', async () => {
    const child = bot.child();
    await child.says('chào');
    await child.says('2');
    const code = codeIn(await skipAll(child));
    const found = (await bot.app.store.collection(CaseModel).findOne({ code }))!;
    const long = Array.from({ length: 60 }, (_, i) => `Câu trả lời số ${i + 1} của anh chị dành cho em.`).join(' ');
    const before = child.received.length;
    await new ChildReplies(bot.app.store, bot.app.outbox, bot.app.cases, bot.app.logger).send('staff-1', found, long, 'reply');
    await eventually(() => child.received.slice(before).map((m) => m.text).join(' ').includes('số 60 '), 10_000, () => 'reply not delivered');
    const parts = child.received.slice(before);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(2000);
    expect(parts[0]!.text.endsWith('.')).toBe(true);
  });

  it('takes several updates queued at once one per getUpdates call, and keeps polling through 408s', async () => {
    const timeouts = bot.fake.timeouts;
    // Nobody wrote for a while: Zalo answered 408, and the loop simply asked again.
    await eventually(() => bot.fake.timeouts >= timeouts + 2, 10_000, () => 'two empty polls (408)');
    const children = [bot.child(), bot.child(), bot.child()];
    const handedOut = bot.fake.handedOut;
    const updates = children.map((c) => bot.fake.textUpdate(c.chatId, 'chào'));
    for (const u of updates) bot.fake.push(u);
    for (const [i, c] of children.entries()) await bot.quiet(c.chatId, updates[i]!);
    for (const c of children) expect(c.received.map((m) => m.text).join('\n')).toContain('111');
    expect(bot.fake.handedOut - handedOut).toBe(3);
    expect(await channelProblem(bot)).toBeNull();
  });

  it('retries a send Zalo refuses with 401 (our token), shows it in settings, and clears it once polling works again', async () => {
    const child = bot.child();
    bot.fake.failNextSends({ code: 401, description: 'Unauthorized' });
    expect((await child.says('chào')).join('\n')).toContain('111');
    expect(await bot.app.store.collection(OutboxModel).count({ recipientKey: bot.recipientKey(child.chatId), status: 'undelivered' })).toBe(0);
    expect(await channelProblem(bot)).toContain('401');

    // The token refused for polling too (reset in Zalo Bot Creator), then working again.
    const revokedAt = Date.now();
    bot.fake.tokenRevoked = true;
    const answer = child.says('menu');
    await eventually(() => bot.fake.calls.some((c) => c.method === 'getUpdates' && c.at > revokedAt), 10_000, () => 'a poll with the refused token');
    bot.fake.tokenRevoked = false;
    expect((await answer).join('\n')).toContain(vi('bot.menu.report'));
    await eventually(async () => (await channelProblem(bot)) === null, 10_000, () => 'the problem to clear');
  });

  it("shows Zalo's real state on the settings page: polling, the last update, the last delivery error and a receiving problem", async () => {
    const child = bot.child();
    bot.fake.failNextSends({ code: 403, description: 'user blocked the bot' });
    await child.says('chào');
    const revokedAt = Date.now();
    bot.fake.tokenRevoked = true;
    await eventually(async () => (await channelProblem(bot))?.includes('401') === true && bot.fake.calls.some((c) => c.method === 'getUpdates' && c.at > revokedAt), 10_000, () => 'the refused token reported');
    const { totpSecret } = await createStaffAccount(bot.app, { email: 'settings-admin@example.test', password: 'correct horse battery', role: 'admin' });
    const admin = new AdminClient(bot.app.url);
    await admin.signIn('settings-admin@example.test', 'correct horse battery', totpSecret!);
    const page = await admin.get('/admin/settings');
    bot.fake.tokenRevoked = false;
    expect(page.status).toBe(200);
    const row = /<tr>\s*<td>Zalo<\/td>[\s\S]*?<\/tr>/.exec(page.html)?.[0] ?? '';
    expect(row).toContain(vi('admin.settings.channels.mode.polling'));
    expect(row).toContain(vi('admin.settings.channels.last_update', { at: '' }).trim().slice(0, 20));
    expect(row).toContain('zalo 403: user blocked the bot');
    expect(row).toMatch(/zalo 401/);
    await eventually(async () => (await channelProblem(bot)) === null, 10_000, () => 'the problem to clear');
  });

  it('clears a problem left from before a restart once polling works', async () => {
    bot.fake.failNextSends({ code: 401, description: 'Unauthorized' });
    await bot.child().says('chào');
    expect(await channelProblem(bot)).toContain('401');
    await bot.stopApp();
    await bot.startApp();
    await eventually(async () => (await channelProblem(bot)) === null, 10_000, () => 'the old problem to clear');
  });

  it('loses no update handed to the call in flight while the app stops (Zalo has no offset to confirm)', async () => {
    const child = bot.child();
    await eventually(() => bot.fake.waiting, 10_000, () => 'a getUpdates call waiting');
    const stopping = bot.stopApp();
    const update = bot.fake.push(bot.fake.textUpdate(child.chatId, 'chào'));
    await stopping;
    await bot.startApp();
    await bot.quiet(child.chatId, update);
    expect(child.received.map((m) => m.text).join('\n')).toContain('111');
  });

  it('ignores a repeated update, and polls with the configured timeout', async () => {
    const child = bot.child();
    const update = bot.fake.textUpdate(child.chatId, 'chào');
    await child.act(update);
    const count = child.received.length;
    await child.act(update);
    expect(child.received.length).toBe(count);
    const polls = bot.fake.calls.filter((c) => c.method === 'getUpdates');
    expect(polls.every((c) => c.params.timeout === '1')).toBe(true);
  });

  it('marks a refused send undelivered, and retries through an outage', async () => {
    const child = bot.child();
    bot.fake.failNextSends({ code: 403, description: 'user blocked the bot' });
    await child.says('chào').catch(() => undefined);
    await eventually(async () => (await bot.app.store.collection(OutboxModel).count({ recipientKey: bot.recipientKey(child.chatId), status: 'undelivered' })) > 0, 10_000, () => 'not marked undelivered');
    bot.fake.failNextSends({ code: 500 }, 2);
    bot.fake.failNextSends({ code: 500, drop: true });
    const answer = await child.says('menu');
    expect(answer.join('\n')).toContain(vi('bot.menu.report'));
  });
});

describe('Zalo, by webhook', () => {
  let bot: ZaloHarness;
  beforeAll(async () => {
    bot = await ZaloHarness.start({ webhook: true });
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('registers the webhook with its secret and answers a child through it', async () => {
    expect(bot.fake.webhook).toEqual({ url: 'https://hopthuxanh.example.vn/webhooks/zalo', secret_token: 'zalo_test_webhook_secret_0123456789' });
    expect((await bot.child().says('chào')).join('\n')).toContain('111');
  });

  it('takes a whole report by typed numbers and words through the webhook', () => reportByNumbers(bot));

  it('refuses a wrong or missing secret (401) and a malformed or oversized body (400/413), storing nothing', async () => {
    const updates = bot.app.store.collection(InboundUpdateModel);
    const before = await updates.count({});
    const good = JSON.stringify(bot.fake.textUpdate('abc123', 'chào'));
    expect((await bot.postWebhook(good, 'wrong-secret')).status).toBe(401);
    expect((await bot.postWebhook(good, null)).status).toBe(401);
    expect((await bot.postWebhook('{"event_name":')).status).toBe(400);
    expect((await bot.postWebhook('{"message":{}}')).status).toBe(400);
    expect((await bot.postWebhook(JSON.stringify({ event_name: 'message.text.received', message: { text: 'x'.repeat(70_000) } }))).status).toBe(413);
    expect(await updates.count({})).toBe(before);
  });
});

describe('splitting a long text for Zalo', () => {
  it('cuts at line breaks first, then sentences, never over the limit, losing nothing', () => {
    const text = `${'Dòng một. '.repeat(150)}\n${'Dòng hai! '.repeat(150)}`;
    const parts = splitText(text, 2000);
    expect(parts.every((p) => p.length <= 2000)).toBe(true);
    expect(parts.join(' ').replace(/\s+/g, ' ').trim()).toBe(text.replace(/\s+/g, ' ').trim());
    expect(parts[0]!.endsWith('.')).toBe(true);
  });
});

/** A whole report by typed numbers and words; the case is stored with what was answered. */
async function reportByNumbers(bot: ZaloHarness) {
  const child = bot.child();
  await child.says('chào');
  expect((await child.says('1')).join('\n')).toContain(vi('bot.q.danger'));
  expect((await child.says('khong')).join('\n')).toContain(vi('bot.q.about'));
  expect((await child.chooses(vi('bot.opt.about.self'))).join('\n')).toContain(vi('bot.q.age_self'));
  expect((await child.says('12 tuổi')).join('\n')).toContain(vi('bot.q.gender_self'));
  // The 34 provinces in a few lines, Skip first (typed as words), the names numbered three to a line.
  const provinces = (await child.says('bo qua')).join('\n');
  expect(provinces).toContain(`${vi('bot.q.province')}\n\n– ${vi('bot.button.skip')} (${vi('channels_fixes.typed.skip')})\n1. Hà Nội   2. Huế   3. Hải Phòng\n`);
  expect(provinces.split('\n').length).toBeLessThan(18);
  expect((await child.says('ha noi')).join('\n')).toContain(vi('bot.q.commune'));
  await child.says(vi('bot.button.skip'));
  expect((await child.chooses(vi('bot.opt.harm.bullying'))).join('\n')).toContain(vi('bot.q.story_report'));
  await child.says('Các bạn trong lớp lấy đồ của em mỗi ngày.');
  await child.chooses(vi('bot.button.done'));
  await child.chooses(vi('bot.button.done'));
  const receipt = await child.chooses(vi('bot.opt.contact.chat'));
  const code = codeIn(receipt);
  const stored = await bot.app.store.collection(CaseModel).findOne({ code });
  expect(stored).toMatchObject({ channel: 'zalo', kind: 'report', ageBand: '11_13', harmType: 'bullying', area: { province: expect.stringContaining('Hà Nội') } });
  // Typed in another chat, the code reads the case back.
  const status = (await bot.child().says(code!)).join('\n');
  expect(status).toContain(code);
  expect(status).toContain(vi('bot.status.new'));
}

/** The receiving or sending problem the settings page shows for Zalo, if any. */
async function channelProblem(bot: ZaloHarness): Promise<string | null> {
  const [zalo] = await new ChannelStatusService(bot.app.store, [{ channel: 'zalo', mode: 'polling' }]).list();
  return zalo!.problem?.error ?? null;
}

async function skipAll(child: ReturnType<ZaloHarness['child']>): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 20; i++) {
    const answer = await child.says(i % 2 ? 'bỏ qua' : 'bo qua');
    seen.push(...answer);
    if (answer.some((t) => /HTX-/.test(t))) return seen;
    if (answer.some((t) => t.includes(vi('bot.button.done')))) seen.push(...(await child.chooses(vi('bot.button.done'))));
    if (seen.some((t) => /HTX-/.test(t))) return seen;
  }
  throw new Error(`no receipt: ${seen.join(' | ').slice(-300)}`);
}
