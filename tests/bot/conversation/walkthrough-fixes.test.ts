import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../../locales/i18n.js';
import { ChildReplies } from '../../../cases/child-reply.js';
import { CaseModel, type Case } from '../../../models/index.js';
import { buttonsOf, caseCodeIn, eventually, PROVINCE_HOTLINE, TelegramHarness, texts, type TelegramChild } from '../../helpers/telegram-child.js';

const vi = tr('vi');
const EMERGENCY = vi('bot.emergency', { provinceLine: vi('bot.province_line', { number: PROVINCE_HOTLINE }) });

/**
 * Defects a black-box walk-through of the conversation found (issue 11's follow-up), as a child
 * and a parent would meet them over Telegram (the fake Bot API; Zalo is not configured here).
 *
 * Danger words as the very first message open an urgent case at once. The questions the child
 * answers next — from the offer after the numbers, the menu, or a typed "ý kiến" — fill in that
 * same case: one case, with the child's first words first.
 */
describe('A first message with danger words, then the questions (Telegram)', () => {
  let bot: TelegramHarness;

  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  const casesOf = async (child: TelegramChild): Promise<Case[]> => {
    const contact = await bot.contactOf(child.chatId);
    return bot.app.store.collection(CaseModel).find({ contactId: contact!._id }, { sort: { createdAt: 1 } });
  };
  const wordsOf = async (c: Case) => (await bot.messagesOf(c._id)).map((m) => m.text).filter(Boolean);

  const STORY_QUESTIONS = ['story_report', 'story_opinion', 'story_advice', 'story_more'].map((k) => vi(`bot.q.${k}`));

  /** Answers the danger question "no", writes the story when it is asked, skips the rest; resolves with the receipt. */
  const answersTheQuestions = async (child: TelegramChild, story: string) => {
    let told = false;
    for (let i = 0; i < 20 && !told; i++) {
      const asked = child.lastKeyboard;
      if (buttonsOf(asked).some((b) => b.text === vi('bot.opt.danger.no'))) await child.presses(vi('bot.opt.danger.no'));
      else if (STORY_QUESTIONS.includes(child.received.at(-1)?.text ?? '')) told = !!(await child.says(story));
      else await child.presses(vi('bot.button.skip'));
    }
    return child.skipsToTheEnd();
  };

  it('offers to tell more or answer questions after the numbers, and the answers go into the same urgent case', async () => {
    const child = bot.child();

    const first = await child.says('bố em đánh em chảy máu');

    expect(texts(first).slice(0, 2)).toEqual([vi('bot.urgent_detected'), EMERGENCY]);
    expect(first.at(-1)?.text).toContain(vi('fixes.follow_up.offer'));
    expect(buttonsOf(first.at(-1)).map((b) => b.text)).toContain(vi('fixes.follow_up.answer'));
    const [urgent] = await casesOf(child);

    await child.presses(vi('fixes.follow_up.answer'));
    const receipt = await answersTheQuestions(child, 'chuyện này từ năm ngoái rồi');

    expect(caseCodeIn(receipt)).toBe(urgent!.code);
    const cases = await casesOf(child);
    expect(cases).toHaveLength(1);
    expect(cases[0]!.priority).toBe('urgent');
    expect(cases[0]!.dangerNow).toBe(false);
    expect(await wordsOf(cases[0]!)).toEqual(['bố em đánh em chảy máu', 'chuyện này từ năm ngoái rồi']);
  });

  it('keeps one case when the child tells more, then presses "Báo bạo lực" in the menu that follows', async () => {
    const child = bot.child();
    await child.says('bố em đánh em chảy máu');
    const more = await child.says('em sợ về nhà lắm');
    const [urgent] = await casesOf(child);
    expect(more[0]?.text).toContain(vi('bot.appended', { code: urgent!.code }));

    await child.presses(vi('bot.menu.report'));
    const receipt = await answersTheQuestions(child, 'bố say rượu là đánh');

    const cases = await casesOf(child);
    expect(cases).toHaveLength(1);
    expect(caseCodeIn(receipt)).toBe(cases[0]!.code);
    expect(await wordsOf(cases[0]!)).toEqual(['bố em đánh em chảy máu', 'em sợ về nhà lắm', 'bố say rượu là đánh']);
  });

  it('keeps one case when the child types "ý kiến" after the danger words', async () => {
    const child = bot.child();
    await child.says('bố em đánh em chảy máu');

    await child.says('ý kiến');
    const receipt = await answersTheQuestions(child, 'em muốn bố thôi uống rượu');

    const cases = await casesOf(child);
    expect(cases).toHaveLength(1);
    expect(cases[0]!.priority).toBe('urgent');
    expect(caseCodeIn(receipt)).toBe(cases[0]!.code);
    expect(await wordsOf(cases[0]!)).toEqual(['bố em đánh em chảy máu', 'em muốn bố thôi uống rượu']);
  });

  it('keeps one case when the child asks for advice from the menu after the danger words', async () => {
    const child = bot.child();
    await child.says('bố em đánh em chảy máu');
    await child.presses(vi('bot.button.menu'));

    await child.presses(vi('bot.menu.advice'));
    const receipt = await answersTheQuestions(child, 'em nên nói với ai ạ');

    const cases = await casesOf(child);
    expect(cases).toHaveLength(1);
    expect(caseCodeIn(receipt)).toBe(cases[0]!.code);
    expect(await wordsOf(cases[0]!)).toEqual(['bố em đánh em chảy máu', 'em nên nói với ai ạ']);
  });

  it('keeps one case for "my dad hits me" in English', async () => {
    const child = bot.child();
    // Chosen, Vietnamese stays (an unchosen language follows the words: written-language.test.ts).
    await child.says('tiếng Việt');
    const first = await child.says('my dad hits me');
    expect(first.at(-1)?.text).toContain(vi('fixes.follow_up.offer'));

    await child.presses(vi('fixes.follow_up.answer'));
    const receipt = await answersTheQuestions(child, 'every night');

    const cases = await casesOf(child);
    expect(cases).toHaveLength(1);
    expect(caseCodeIn(receipt)).toBe(cases[0]!.code);
    expect(await wordsOf(cases[0]!)).toEqual(['my dad hits me', 'every night']);
  });

  it('offers a parent whose first words are danger words the questions in the adult voice, for the same case', async () => {
    const parent = bot.child();
    const words = 'Con trai tôi bị bố dượng đánh chảy máu';
    const first = await parent.says(words);
    expect(first.at(-1)?.text).toContain(vi('fixes.follow_up.offer_adult'));

    expect(texts(await parent.presses(vi('fixes.follow_up.answer')))).toEqual([vi('bot.q.danger_adult')]);
    const receipt = await parent.skipsToTheEnd();

    const cases = await casesOf(parent);
    expect(cases).toHaveLength(1);
    expect(caseCodeIn(receipt)).toBe(cases[0]!.code);
    expect(cases[0]).toMatchObject({ priority: 'urgent', reporterRole: 'parent', about: 'other_child' });
    expect(await wordsOf(cases[0]!)).toEqual([words]);
  });

  it.each([
    ['ý kiến', 'story_opinion', []],
    // Words that say more are the first words of the story: the bot asks for more of it.
    ['tư vấn giúp em chuyện bạn trai', 'story_more', ['tư vấn giúp em chuyện bạn trai']],
  ] as const)('starts the flow a first message names ("%s"), after the greeting, keeping only words that say more', async (first, story, kept) => {
    const child = bot.child();
    const answer = texts(await child.says(first));
    expect(answer[0]).toBe(vi('bot.greeting', { provinceLine: vi('bot.province_line', { number: PROVINCE_HOTLINE }) }));
    expect(answer).not.toContain(vi('bot.held_prompt'));
    const receipt = await answersTheQuestions(child, 'em muốn có thêm sân chơi');
    expect(child.received.map((m) => m.text)).toContain(vi(`bot.q.${story}`));
    const cases = await casesOf(child);
    expect(cases).toHaveLength(1);
    expect(caseCodeIn(receipt)).toBe(cases[0]!.code);
    expect(await wordsOf(cases[0]!)).toEqual([...kept, 'em muốn có thêm sân chơi']);
  });

  describe('a parent who reports about their daughter, on a service without Zalo', () => {
    const STORY = 'Con gái tôi 9 tuổi, mấy hôm nay cháu đi học về cứ khóc, không chịu kể gì';
    let parent: TelegramChild;
    let filed: Case;
    let receipt: string;

    beforeAll(async () => {
      parent = bot.child();
      await parent.says(STORY);
      await parent.presses(vi('bot.menu.report'));
      receipt = caseCodeIn(await parent.skipsToTheEnd());
      filed = (await casesOf(parent))[0]!;
    });

    it('names in the receipt only the channels that run: Telegram and the web, never Zalo', () => {
      const said = parent.received.find((m) => m.text.includes(receipt))!.text;
      expect(said).toContain('(trên Telegram hoặc web đều được)');
      expect(said).not.toMatch(/zalo/i);
    });

    it('calls the counsellor\'s answer, when it arrives, an answer from "Tư vấn viên", not the child\'s "Anh chị tư vấn"', async () => {
      expect(filed.reporterRole).toBe('parent');
      const before = parent.received.length;
      await new ChildReplies(bot.app.store, bot.app.outbox, bot.app.cases, bot.app.logger).send('staff-test', filed, 'Chị nên đưa cháu đi khám và gọi 111 nhé.', 'reply');
      await eventually(() => parent.received.length > before, 10_000, () => 'no answer delivered');
      const delivered = parent.received.at(-1)!.text;
      expect(delivered).toBe(`💬 Tư vấn viên trả lời (thư ${filed.code}):\nChị nên đưa cháu đi khám và gọi 111 nhé.\n\n${vi('followup.reply_hint_adult', { code: filed.code })}\n${vi('convo_fixes.call_111_adult')}`);

      // Read again by the code: the same words for an adult.
      const read = texts(await parent.says(filed.code));
      expect(read.some((t) => t.startsWith('💬 Tư vấn viên trả lời ('))).toBe(true);
      expect(read.join('\n')).not.toContain('Anh chị tư vấn trả lời');
    });
  });

  it('still tells a child "Anh chị tư vấn trả lời", and names no Zalo in a child\'s receipt either', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.opinion'));
    const code = caseCodeIn(await child.skipsToTheEnd());
    expect(child.received.find((m) => m.text.includes(code))!.text).toContain('(trên Telegram hoặc web đều được)');
    const [filed] = await casesOf(child);
    const before = child.received.length;
    await new ChildReplies(bot.app.store, bot.app.outbox, bot.app.cases, bot.app.logger).send('staff-test', filed!, 'Cảm ơn em nhé.', 'reply');
    await eventually(() => child.received.length > before, 10_000, () => 'no answer delivered');
    expect(child.received.at(-1)!.text).toBe(`💬 Anh chị tư vấn trả lời (thư ${code}):\nCảm ơn em nhé.\n\n${vi('followup.reply_hint', { code })}\n${vi('convo_fixes.call_111')}`);
  });
});
