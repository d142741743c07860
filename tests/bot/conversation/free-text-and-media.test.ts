import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../../locales/i18n.js';
import { CaseModel } from '../../../models/index.js';
import { buttonsOf, caseCodeIn, TelegramHarness, texts } from '../../helpers/telegram-child.js';

const vi = tr('vi');
const STORY = 'Ở lớp em có bạn hay bị các bạn khác trêu chọc vì nhà nghèo';

describe('What a child writes or sends outside the questions (Telegram)', () => {
  let bot: TelegramHarness;

  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  describe('a story written at the menu', () => {
    it('is kept, and the bot asks what to do with it', async () => {
      const child = bot.child();
      await child.says('/start');

      const answer = await child.says(STORY);

      expect(texts(answer)).toEqual([vi('bot.held_prompt')]);
      expect(buttonsOf(answer[0]).map((b) => b.text)).toEqual(
        expect.arrayContaining([vi('bot.menu.report'), vi('bot.menu.opinion'), vi('bot.menu.advice')]),
      );
    });

    it('becomes the story of the report when the child chooses "report"', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.says(STORY);

      expect(texts(await child.presses(vi('bot.menu.report')))).toEqual([vi('bot.q.danger')]);
      const seen = await child.skipsToTheEnd();

      expect(texts(seen)).not.toContain(vi('bot.q.story_report'));
      const stored = await bot.caseByCode(caseCodeIn(seen));
      expect(stored.kind).toBe('report');
      expect((await bot.messagesOf(stored._id)).map((m) => m.text)).toEqual([STORY]);
    });

    it('is greeted first when it is the very first message, then kept', async () => {
      const child = bot.child();

      const answer = await child.says(STORY);

      expect(texts(answer)).toEqual([expect.stringContaining('111'), vi('bot.held_prompt')]);
      await child.presses(vi('bot.menu.opinion'));
      const stored = await bot.caseByCode(caseCodeIn(await child.skipsToTheEnd()));
      expect(stored.kind).toBe('opinion');
      expect((await bot.messagesOf(stored._id)).map((m) => m.text)).toEqual([STORY]);
    });

    it('gathers several messages written before choosing', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.says(STORY);
      await child.says('Nhà bạn ấy ở gần trường em');

      await child.presses(vi('bot.menu.advice'));
      const stored = await bot.caseByCode(caseCodeIn(await child.skipsToTheEnd()));

      expect((await bot.messagesOf(stored._id)).map((m) => m.text)).toEqual([STORY, 'Nhà bạn ấy ở gần trường em']);
    });
  });

  describe('after the receipt', () => {
    it('appends what the child writes next to the open case and says so', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.report'));
      const code = caseCodeIn(await child.skipsToTheEnd());

      const answer = await child.says('Em quên kể là chuyện xảy ra hôm thứ hai');

      expect(texts(answer)).toEqual([`${vi('bot.appended', { code })}\n\n${vi('bot.menu_prompt')}`]);
      const stored = await bot.caseByCode(code);
      expect((await bot.messagesOf(stored._id)).map((m) => m.text)).toEqual(['Em quên kể là chuyện xảy ra hôm thứ hai']);
      expect(stored.lastChildMessageAt).toBeInstanceOf(Date);
      expect(await bot.app.store.collection(CaseModel).count({ contactId: stored.contactId })).toBe(1);
    });

    it('opens a resolved case again when the child writes to it', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.advice'));
      const code = caseCodeIn(await child.skipsToTheEnd());
      const before = await bot.caseByCode(code);
      await bot.app.store.collection(CaseModel).findOneAndUpdate({ _id: before._id }, { $set: { status: 'resolved' } });

      await child.says('Em vẫn còn lo lắm');

      expect((await bot.caseByCode(code)).status).toBe('new');
    });

    it('keeps a photo sent after the receipt in the open case', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.report'));
      const code = caseCodeIn(await child.skipsToTheEnd());

      const answer = await child.sendsPhoto();

      expect(texts(answer)).toEqual([`${vi('bot.appended', { code })}\n\n${vi('bot.menu_prompt')}`]);
      const stored = await bot.caseByCode(code);
      const files = (await bot.messagesOf(stored._id)).flatMap((m) => m.attachments);
      expect(files).toEqual([expect.objectContaining({ kind: 'photo' })]);
    });
  });

  describe('a photo sent at the menu', () => {
    it('is kept, the bot asks what it is about, and it goes into the case the child then makes', async () => {
      const child = bot.child();
      await child.says('/start');

      const answer = await child.sendsPhoto();

      expect(texts(answer)).toEqual([vi('bot.held_prompt')]);
      await child.presses(vi('bot.menu.report'));
      const stored = await bot.caseByCode(caseCodeIn(await child.skipsToTheEnd()));
      const files = (await bot.messagesOf(stored._id)).flatMap((m) => m.attachments);
      expect(files).toEqual([expect.objectContaining({ kind: 'photo', ref: expect.stringContaining('-large-') })]);
    });

    it('keeps its caption as the story', async () => {
      const child = bot.child();
      await child.says('/start');

      await child.sendsPhoto('Đây là vết trên tay bạn ấy');
      await child.presses(vi('bot.menu.report'));
      const stored = await bot.caseByCode(caseCodeIn(await child.skipsToTheEnd()));

      const messages = await bot.messagesOf(stored._id);
      expect(messages.map((m) => m.text)).toEqual(['Đây là vết trên tay bạn ấy']);
      expect(messages[0]?.attachments).toEqual([expect.objectContaining({ kind: 'photo' })]);
    });
  });

  describe('a photo sent in the middle of the questions', () => {
    it('is kept as evidence, and the question is asked again', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.report'));
      await child.presses(vi('bot.opt.danger.no'));

      const answer = await child.sendsPhoto();

      expect(texts(answer)).toEqual([vi('bot.media_kept'), vi('bot.q.about')]);
      const stored = await bot.caseByCode(caseCodeIn(await child.skipsToTheEnd()));
      expect((await bot.messagesOf(stored._id)).flatMap((m) => m.attachments)).toHaveLength(1);
    });
  });

  describe('forged and odd input', () => {
    it.each(['menu:constructor', 'm.constructor', 'c.toString', 'a.__proto__.yes', 'a.danger.constructor', 'p.\u0000', 'x'.repeat(65)])('answers a forged button "%s" kindly, with the menu or the question', async (data) => {
      const child = bot.child();
      await child.says('/start');
      const answer = await child.sends((api, chatId) => api.userPressesButton(chatId, data));
      expect(answer.length).toBeGreaterThan(0);
      expect(texts(answer).join('\n')).not.toContain(vi('bot.error'));
      expect(buttonsOf(answer.at(-1)!).length).toBeGreaterThan(0);
    });

    it('keeps a story that happens to contain a case code as the story, not as a code lookup', async () => {
      const child = bot.child();
      await child.says('/start');
      const first = caseCodeIn(await (async () => {
        await child.presses(vi('bot.menu.opinion'));
        return child.skipsToTheEnd();
      })());
      // Skip to the story question.
      let last = await child.presses(vi('bot.menu.advice'));
      for (let i = 0; i < 8 && !texts(last).includes(vi('bot.q.story_advice')); i++) last = await child.presses(vi('bot.button.skip'));
      const story = `Lần trước em đã gửi hồ sơ ${first} nhưng giờ em lại thấy rất lo lắng về chuyện thi cử ở trường`;
      expect(texts(await child.says(story))).toEqual([vi('bot.q.story_more')]);
      const code = caseCodeIn(await child.skipsToTheEnd());
      const stored = await bot.caseByCode(code);
      expect((await bot.messagesOf(stored._id)).map((m) => m.text)).toContain(story);
    });
  });
});
