import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../locales/i18n.js';
import type { DeliveryResult } from '../../bot/channels/channel.js';
import { CaseModel, InboundUpdateModel, MessageModel, OutboxModel } from '../../models/index.js';
import { Outbox } from '../../outbox/outbox.service.js';
import { caseCodeIn, eventually, PROVINCE_HOTLINE, TelegramHarness, texts, WEBHOOK_SECRET, type TelegramChild } from '../helpers/telegram-child.js';

const vi = tr('vi');
const GREETING = vi('bot.greeting', { provinceLine: vi('bot.province_line', { number: PROVINCE_HOTLINE }) });
const MENU = vi('bot.menu_prompt');

/** Takes a child through a report (skipping everything) to its receipt; returns the case code. */
async function reportSomething(child: TelegramChild): Promise<string> {
  await child.says('/start');
  await child.presses(vi('bot.menu.report'));
  return caseCodeIn(await child.skipsToTheEnd());
}

describe('Reliability on Telegram (long polling)', () => {
  let bot: TelegramHarness;

  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  describe('a restart', () => {
    it('continues the conversation where it was: the next answer answers the pending question', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.report'));
      await child.presses(vi('bot.opt.danger.no'));
      await child.presses(vi('bot.opt.about.self'));

      await bot.restartApp();

      expect(texts(await child.presses(vi('bot.opt.age.11_13')))).toEqual([vi('bot.q.gender_self')]);
      const stored = await bot.caseByCode(caseCodeIn(await child.skipsToTheEnd()));
      expect(stored).toMatchObject({ dangerNow: false, about: 'self', ageBand: '11_13' });
    });

    it('answers a message the child sent while the app was down, once it is back', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.advice'));

      await bot.stopApp();
      const update = bot.fake.userSendsText(child.chatId, 'học tập');
      const before = child.received.length;
      await bot.startApp();
      await bot.quiet(child.chatId, [update.update_id]);

      expect(texts(child.received.slice(before))).toEqual([vi('bot.q.story_advice')]);
    });

    it('keeps a story written before the restart in the case made after it', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.opinion'));
      await child.presses(vi('bot.opt.role.child'));
      for (let i = 0; i < 5; i++) await child.presses(vi('bot.button.skip'));
      await child.says('Em muốn trường tổ chức nhiều buổi ngoại khóa hơn');

      await bot.restartApp();

      const stored = await bot.caseByCode(caseCodeIn(await child.skipsToTheEnd()));
      expect((await bot.messagesOf(stored._id)).map((m) => m.text)).toEqual(['Em muốn trường tổ chức nhiều buổi ngoại khóa hơn']);
    });
  });

  describe('an update Telegram delivers twice', () => {
    it('is handled once: one case message, one reply', async () => {
      const child = bot.child();
      const code = await reportSomething(child);

      await bot.stopApp();
      const update = bot.fake.userSendsText(child.chatId, 'Em quên kể là chuyện xảy ra hôm thứ hai');
      bot.fake.pushUpdate(update); // the same update_id again, as after a lost acknowledgement
      const before = child.received.length;
      await bot.startApp();
      await bot.quiet(child.chatId, [update.update_id]);

      expect(texts(child.received.slice(before))).toEqual([`${vi('bot.appended', { code })}\n\n${MENU}`]);
      const stored = await bot.caseByCode(code);
      expect(await bot.messagesOf(stored._id)).toHaveLength(1);
      expect(await bot.app.store.collection(InboundUpdateModel).count({ _id: `telegram:${update.update_id}` })).toBe(1);
    });
  });

  describe('a Bot API that fails for a while', () => {
    it('still delivers every reply, in order, after 5xx errors', async () => {
      const child = bot.child();
      bot.fake.failNext(3, { status: 500 });

      const answer = await child.says('/start');

      expect(texts(answer)).toEqual([GREETING, MENU]);
      const items = await bot.app.store.collection(OutboxModel).find({ recipientKey: bot.recipientKey(child.chatId) }, { sort: { seq: 1 } });
      expect(items.map((i) => [i.status, i.attempts])).toEqual([
        ['sent', 3],
        ['sent', 0],
      ]);
    });

    it('waits as long as a 429 says (retry_after), then delivers in order', async () => {
      const child = bot.child();
      await child.says('/start');
      bot.fake.failNext(1, { status: 429, retryAfter: 1 });

      const answer = await child.presses(vi('bot.menu.report'));
      const more = await child.says('/help');

      expect(texts([...answer, ...more])).toEqual([vi('bot.q.danger'), vi('bot.help'), vi('bot.q.danger')]);
      const items = await bot.app.store.collection(OutboxModel).find({ recipientKey: bot.recipientKey(child.chatId) }, { sort: { seq: 1 } });
      const limited = items[2]!;
      expect(limited).toMatchObject({ status: 'sent', attempts: 1 });
      expect(limited.sentAt!.getTime() - limited.createdAt.getTime()).toBeGreaterThanOrEqual(1000);
    });

    it('delivers the replies of several messages in the order they were written', async () => {
      const child = bot.child();
      await child.says('/start');
      bot.fake.failNext(2, { status: 502 });

      const first = bot.fake.userSendsText(child.chatId, '111');
      const second = bot.fake.userSendsText(child.chatId, '/help');
      await bot.quiet(child.chatId, [first.update_id, second.update_id]);

      const emergency = vi('bot.emergency', { provinceLine: vi('bot.province_line', { number: PROVINCE_HOTLINE }) });
      expect(texts(child.received.slice(2))).toEqual([emergency, MENU, vi('bot.help'), MENU]);
    });
  });

  describe('an instance that dies between claiming a reply and sending it', () => {
    it('leaves the reply to the recurring sweep, which sends it once the claim\'s lease has run out', async () => {
      const child = bot.child();
      await child.says('/start');
      // Another instance on the same store: it claims the message, and its send never comes back.
      const dead = new Outbox(bot.app.store, bot.app.cipher, bot.app.logger, { sendTimeoutMs: 300 });
      dead.registerSender({ channel: 'telegram', send: () => new Promise<DeliveryResult>(() => {}) });
      dead.startDelivery();
      const contact = (await bot.contactOf(child.chatId))!;
      const text = vi('bot.help');

      const [item] = await dead.enqueue([{ channel: 'telegram', addressEnc: contact.addressEnc!, recipientKey: bot.recipientKey(child.chatId), message: { text } }]);
      await eventually(async () => (await bot.app.store.collection(OutboxModel).findOne({ _id: item!._id }))?.status !== 'pending', 5000, () => 'the claim');
      await bot.quiet(child.chatId, []);

      expect(texts(child.received).filter((t) => t === text)).toEqual([text]);
      expect(await bot.app.store.collection(OutboxModel).findOne({ _id: item!._id })).toMatchObject({ status: 'sent', attempts: 0 });
    });
  });

  describe('a child who blocked the bot (403)', () => {
    it('marks the reply undelivered and does not try it again', async () => {
      const child = bot.child();
      bot.fake.failNext(1, { status: 403 });

      const answer = await child.says('/start');

      expect(texts(answer)).toEqual([MENU]);
      const items = await bot.app.store.collection(OutboxModel).find({ recipientKey: bot.recipientKey(child.chatId) }, { sort: { seq: 1 } });
      expect(items.map((i) => i.status)).toEqual(['undelivered', 'sent']);
      expect(items[0]).toMatchObject({ attempts: 1, lastError: expect.stringContaining('403') });
    });

    it('marks a counsellor\'s reply undelivered on the case message', async () => {
      const child = bot.child();
      const code = await reportSomething(child);
      const stored = await bot.caseByCode(code);
      const contact = (await bot.contactOf(child.chatId))!;
      const reply = await bot.app.store.collection(MessageModel).insertOne({ caseId: stored._id, author: 'counsellor', text: 'Anh chị đã đọc thư của em.', delivery: 'pending' });
      bot.fake.failNext(1, { status: 403 });

      await bot.app.outbox.enqueue([
        {
          channel: 'telegram',
          addressEnc: contact.addressEnc!,
          recipientKey: bot.recipientKey(child.chatId),
          message: { text: vi('bot.counsellor_reply', { code, text: reply.text }) },
          messageId: reply._id,
        },
      ]);
      await bot.quiet(child.chatId, []);

      // The outcome reaches the case message just after the outbox item settles.
      const settled = () => bot.app.store.collection(MessageModel).findOne({ _id: reply._id });
      await eventually(async () => (await settled())?.delivery !== 'pending', 5000, () => 'the reply to settle');
      expect(await settled()).toMatchObject({ delivery: 'undelivered', deliveryError: expect.stringContaining('403') });
      expect(child.received.map((m) => m.text)).not.toContain(vi('bot.counsellor_reply', { code, text: reply.text }));
    });
  });
});

describe('Reliability on Telegram (webhook)', () => {
  let bot: TelegramHarness;

  beforeAll(async () => {
    bot = await TelegramHarness.start({ webhook: true });
  });
  afterAll(() => bot?.close());

  const nothingStored = async () => ({
    updates: await bot.app.store.collection(InboundUpdateModel).count({}),
    sent: bot.fake.sent.length,
  });

  it('sets the webhook on the Bot API with the secret, and does not poll', () => {
    expect(bot.fake.webhookSet).toMatchObject({ url: 'https://bot.example.test/webhooks/telegram', secret_token: WEBHOOK_SECRET });
    expect(bot.fake.getUpdatesCalls).toEqual([]);
  });

  it('answers updates POSTed with the secret header through the Bot API', async () => {
    const child = bot.child();

    const answer = await child.says('/start');

    expect(texts(answer)).toEqual([GREETING, MENU]);
    expect(texts(await child.presses(vi('bot.menu.report')))).toEqual([vi('bot.q.danger')]);
    expect(bot.fake.answeredCallbacks).toEqual([]); // answered in the webhook reply itself
  });

  it('takes a whole report by webhook', async () => {
    const child = bot.child();
    const code = await reportSomething(child);

    expect((await bot.caseByCode(code)).kind).toBe('report');
  });

  it('handles an update posted twice only once', async () => {
    const child = bot.child();
    const code = await reportSomething(child);
    const before = child.received.length;
    const update = bot.unsent.userSendsText(child.chatId, 'Em quên kể là chuyện xảy ra hôm thứ hai');

    const first = await bot.postWebhook(JSON.stringify(update));
    const second = await bot.postWebhook(JSON.stringify(update));
    await bot.quiet(child.chatId, [update.update_id]);

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(texts(child.received.slice(before))).toEqual([`${vi('bot.appended', { code })}\n\n${MENU}`]);
    expect(await bot.messagesOf((await bot.caseByCode(code))._id)).toHaveLength(1);
  });

  it.each([
    ['no secret header', null],
    ['a wrong secret', `${WEBHOOK_SECRET}x`],
    ['an empty secret', ''],
  ])('refuses an update with %s (401), storing and sending nothing', async (_name, secret) => {
    const before = await nothingStored();
    const update = bot.unsent.userSendsText(bot.child().chatId, '/start');

    const res = await bot.postWebhook(JSON.stringify(update), secret);

    expect(res.status).toBe(401);
    await bot.app.inbound.idle();
    expect(await nothingStored()).toEqual(before);
  });

  it.each([
    ['a body that is not JSON', '{"update_id": 1, "message": '],
    ['an update without update_id', JSON.stringify({ message: { chat: { id: 1, type: 'private' }, text: '/start' } })],
    ['an update_id that is not a number', JSON.stringify({ update_id: 'abc', message: { chat: { id: 1, type: 'private' }, text: '/start' } })],
    ['a JSON array', '[]'],
  ])('refuses %s (400), storing and sending nothing', async (_name, body) => {
    const before = await nothingStored();

    const res = await bot.postWebhook(body);

    expect(res.status).toBe(400);
    await bot.app.inbound.idle();
    expect(await nothingStored()).toEqual(before);
  });

  it('acknowledges an update type it does not read without storing it', async () => {
    const before = await nothingStored();

    const res = await bot.postWebhook(JSON.stringify({ update_id: 999_001, edited_message: { chat: { id: 1, type: 'private' }, text: 'sửa' } }));

    expect(res.status).toBe(200);
    expect(await nothingStored()).toEqual(before);
  });

  it('does not open the webhook to GET', async () => {
    const res = await fetch(`${bot.app.url}/webhooks/telegram`, { headers: { 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET } });

    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('keeps working after a restart, without asking for updates by polling', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));

    await bot.restartApp();

    expect(texts(await child.presses(vi('bot.opt.danger.no')))).toEqual([vi('bot.q.about')]);
    expect(bot.fake.getUpdatesCalls).toEqual([]);
    expect(await bot.app.store.collection(CaseModel).count({})).toBeGreaterThan(0);
  });
});
