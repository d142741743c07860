import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildReplies } from '../../../cases/child-reply.js';
import { tr } from '../../../locales/i18n.js';
import { CaseModel, type Case } from '../../../models/index.js';
import { caseCodeIn, eventually, TelegramHarness, texts, type TelegramChild } from '../../helpers/telegram-child.js';

const vi = tr('vi');
const en = tr('en');

/**
 * Where a child's words go once counsellors have answered (walk-through over the fake Telegram
 * Bot API): the urgent case the child is talking about, the case just answered.
 */
describe('Routing a child\'s words to cases after an answer (Telegram)', () => {
  let bot: TelegramHarness;

  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  const casesOf = async (child: TelegramChild): Promise<Case[]> => {
    const contact = await bot.contactOf(child.chatId);
    return bot.app.store.collection(CaseModel).find({ contactId: contact!._id }, { sort: { createdAt: 1 } });
  };
  const wordsOf = async (c: Case) => (await bot.messagesOf(c._id)).filter((m) => m.author === 'child').map((m) => m.text);
  const answers = async (child: TelegramChild, c: Case, text: string) => {
    const before = child.received.length;
    await new ChildReplies(bot.app.store, bot.app.outbox, bot.app.cases, bot.app.logger).send('staff-test', c, text, 'reply');
    await eventually(() => child.received.length > before, 10_000, () => 'no answer delivered');
  };

  describe.each([
    ['English', 'help me please, my dad is hitting me right now and i am scared', en],
    ['Vietnamese', 'bố em đang cầm dao đòi đánh em, em sợ lắm', vi],
  ] as const)('a child in crisis (%s), answered by a counsellor, who then chooses to report', (_, words, t) => {
    it.each([
      ['typing it', (child: TelegramChild) => child.says(t === en ? 'Report' : 'Báo bạo lực')],
      ['pressing the menu\'s button', (child: TelegramChild) => child.sends((api, chatId) => api.userPressesButton(chatId, 'm.report'))],
    ])('fills in the urgent case, %s, with the first words first', async (_how, report) => {
      const child = bot.child();
      expect(texts(await child.says(words))[1] ?? '').not.toBe('');
      const [urgent] = await casesOf(child);
      expect(urgent!.priority).toBe('urgent');
      await answers(child, urgent!, 'Em đang ở đâu? / Where are you now?');

      await report(child);
      const receipt = caseCodeIn(await child.skipsToTheEnd());
      expect(receipt).toBe(urgent!.code);
      expect(await casesOf(child)).toHaveLength(1);
      expect((await wordsOf(urgent!))[0]).toBe(words);
      expect((await bot.caseByCode(receipt)).kind).toBe('report');
    });
  });

  it('sends the next words of a child answering case A to case B once a counsellor answers B, and the confirmation names B', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));
    const a = caseCodeIn(await child.skipsToTheEnd());
    await child.presses(vi('bot.menu.opinion'));
    const b = caseCodeIn(await child.skipsToTheEnd());
    await child.says(a);
    expect(texts(await child.says('em kể thêm cho thư A')).join('\n')).toContain(vi('reply.sent', { code: a }));

    await answers(child, await bot.caseByCode(b), 'Em muốn sân chơi có thêm gì?');
    expect(child.received.at(-1)!.text).toContain(vi('followup.reply_hint', { code: b }));
    const said = texts(await child.says('dạ em muốn thêm cái xích đu')).join('\n');
    expect(said).toContain(vi('reply.sent', { code: b }));
    expect(said).not.toContain(a);
    expect(await wordsOf(await bot.caseByCode(b))).toContain('dạ em muốn thêm cái xích đu');
    expect(await wordsOf(await bot.caseByCode(a))).not.toContain('dạ em muốn thêm cái xích đu');

    // The child can still choose A again by its code.
    await child.says(a);
    await child.says('em nhớ thêm một chuyện');
    expect(await wordsOf(await bot.caseByCode(a))).toContain('em nhớ thêm một chuyện');
  });
});
