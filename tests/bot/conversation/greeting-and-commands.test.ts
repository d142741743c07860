import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../../locales/i18n.js';
import { CaseModel } from '../../../models/index.js';
import { buttonsOf, PROVINCE_HOTLINE, TelegramHarness, texts } from '../../helpers/telegram-child.js';

const vi = tr('vi');
const en = tr('en');
const labels = (m: Parameters<typeof buttonsOf>[0]) => buttonsOf(m).map((b) => b.text);
const MENU_LABELS = ['report', 'opinion', 'advice', 'emergency', 'check', 'lang'].map((id) => vi(`bot.menu.${id}`));

describe('Greeting, menu and the commands a child can use anywhere (Telegram)', () => {
  let bot: TelegramHarness;

  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  describe('when a child writes /start', () => {
    it('greets them with what this is, that it is anonymous, and 111, 113, 115 and the provincial hotline', async () => {
      const [greeting, menu] = await bot.child().says('/start');

      expect(greeting?.text).toBe(vi('bot.greeting', { provinceLine: vi('bot.province_line', { number: PROVINCE_HOTLINE }) }));
      for (const number of ['111', '113', '115', PROVINCE_HOTLINE]) expect(greeting?.text).toContain(number);
      expect(menu?.text).toBe(vi('bot.menu_prompt'));
    });

    it('shows the menu: report, opinion, advice, emergency numbers, check my case and language', async () => {
      const answer = await bot.child().says('/start');

      expect(answer).toHaveLength(2);
      expect(labels(answer[1])).toEqual(MENU_LABELS);
    });
  });

  describe('when a child just says hello', () => {
    it('greets a new child and shows the menu', async () => {
      const answer = await bot.child().says('chào');

      expect(texts(answer)).toEqual([vi('bot.greeting', { provinceLine: vi('bot.province_line', { number: PROVINCE_HOTLINE }) }), vi('bot.menu_prompt')]);
      expect(labels(answer[1])).toEqual(MENU_LABELS);
    });

    it('answers "chào" at the menu kindly, with the menu again, and keeps no case', async () => {
      const child = bot.child();
      await child.says('/start');

      const answer = await child.says('chào');

      expect(texts(answer)).toEqual([vi('bot.chatter')]);
      expect(labels(answer[0])).toEqual(MENU_LABELS);
      expect((await child.harness.contactOf(child.chatId))?.openCaseId).toBeNull();
    });
  });

  describe('emergency numbers', () => {
    const emergency = vi('bot.emergency', { provinceLine: vi('bot.province_line', { number: PROVINCE_HOTLINE }) });

    it('shows 111, 113, 115 and the provincial hotline when the child presses the menu button', async () => {
      const child = bot.child();
      await child.says('/start');

      const answer = await child.presses(vi('bot.menu.emergency'));

      expect(texts(answer)).toEqual([emergency]);
      for (const number of ['111', '113', '115', PROVINCE_HOTLINE]) expect(answer[0]?.text).toContain(number);
      expect(labels(answer[0])).toEqual([vi('bot.button.menu')]);
    });

    it('shows them when the child types "111", then the menu again', async () => {
      const child = bot.child();
      await child.says('/start');

      const answer = await child.says('111');

      expect(texts(answer)).toEqual([emergency, vi('bot.menu_prompt')]);
    });

    it('shows them when the child types "khẩn cấp" in the middle of a report, then asks the same question again', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.report'));
      await child.presses(vi('bot.opt.danger.no'));

      const answer = await child.says('khẩn cấp');

      expect(texts(answer)).toEqual([emergency, vi('bot.q.about')]);
    });

    it('takes a typed /sos as a cry for help: the numbers at once, then the same question, and the staff alerted', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.report'));
      await child.presses(vi('bot.opt.danger.no'));

      const answer = await child.says('/sos');

      expect(texts(answer)).toEqual([vi('bot.urgent_detected'), emergency, vi('bot.q.about')]);
      const contact = await bot.contactOf(child.chatId);
      const urgent = await bot.app.store.collection(CaseModel).find({ contactId: contact!._id, priority: 'urgent' });
      expect(urgent).toHaveLength(1);
    });

    it('shows them from the 111 button under any question', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.opinion'));

      const answer = await child.presses(vi('bot.button.sos'));

      expect(texts(answer)).toEqual([emergency, vi('bot.q.role')]);
    });
  });

  describe('help', () => {
    it('explains the commands on /help and then shows the menu', async () => {
      const child = bot.child();
      await child.says('/start');

      const answer = await child.says('/help');

      expect(texts(answer)).toEqual([vi('bot.help'), vi('bot.menu_prompt')]);
      expect(answer[0]?.text).toContain('111');
    });

    it('explains the commands when the child types "trợ giúp" mid-question, then asks the question again', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.advice'));

      const answer = await child.says('trợ giúp');

      expect(texts(answer)).toEqual([vi('bot.help'), vi('bot.q.advice_area')]);
    });
  });

  describe('language', () => {
    it('switches to English from the menu, and back to Vietnamese with the same button', async () => {
      const child = bot.child();
      await child.says('/start');

      const english = await child.presses(vi('bot.menu.lang'));

      expect(texts(english)).toEqual([en('bot.lang_switched'), en('bot.greeting', { provinceLine: en('bot.province_line', { number: PROVINCE_HOTLINE }) }), en('bot.menu_prompt')]);
      expect(labels(english[2])).toContain(en('bot.menu.report'));
      expect((await bot.contactOf(child.chatId))?.lang).toBe('en');

      const vietnamese = await child.presses(en('bot.menu.lang'));

      expect(texts(vietnamese)).toEqual([vi('bot.lang_switched'), vi('bot.greeting', { provinceLine: vi('bot.province_line', { number: PROVINCE_HOTLINE }) }), vi('bot.menu_prompt')]);
      expect(labels(vietnamese[2])).toEqual(MENU_LABELS);
      expect((await bot.contactOf(child.chatId))?.lang).toBe('vi');
    });

    it('switches when the child types "english" mid-question, and asks the question again in English', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.report'));

      const answer = await child.says('english');

      expect(texts(answer)).toEqual([en('bot.lang_switched'), en('bot.greeting', { provinceLine: en('bot.province_line', { number: PROVINCE_HOTLINE }) }), en('bot.q.danger')]);
      expect(labels(answer[2])).toContain(en('bot.opt.danger.yes'));
      const next = await child.presses(en('bot.opt.danger.no'));
      expect(texts(next)).toEqual([en('bot.q.about')]);
    });

    it('greets in English on /start once English was chosen', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.says('english');

      const answer = await child.says('/start');

      expect(answer[0]?.text).toBe(en('bot.greeting', { provinceLine: en('bot.province_line', { number: PROVINCE_HOTLINE }) }));
    });

    it('switches back when the child types "tiếng việt"', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.says('english');

      const answer = await child.says('tiếng việt');

      expect(texts(answer)).toEqual([vi('bot.lang_switched'), vi('bot.greeting', { provinceLine: vi('bot.province_line', { number: PROVINCE_HOTLINE }) }), vi('bot.menu_prompt')]);
    });
  });

  describe('start over', () => {
    it('leaves the questions and shows the menu when the child types "bắt đầu lại"', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.report'));
      await child.presses(vi('bot.opt.danger.no'));

      const answer = await child.says('bắt đầu lại');

      expect(texts(answer)).toEqual([`${vi('bot.restarted')}\n${vi('bot.menu_prompt')}`]);
      expect(labels(answer[0])).toEqual(MENU_LABELS);
    });

    it('starts the report from its first question again after /restart', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.report'));
      await child.presses(vi('bot.opt.danger.no'));
      await child.presses(vi('bot.opt.about.self'));
      await child.says('/restart');

      const answer = await child.presses(vi('bot.menu.report'));

      expect(texts(answer)).toEqual([vi('bot.q.danger')]);
      const cases = await bot.app.store.collection(CaseModel).count({ contactId: (await bot.contactOf(child.chatId))!._id });
      expect(cases).toBe(0);
    });

    it('goes back to the menu from the Menu button under a question', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.advice'));

      const answer = await child.presses(vi('bot.button.menu'));

      expect(texts(answer)).toEqual([vi('bot.menu_prompt')]);
    });
  });
});
