import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildReplies } from '../../../cases/child-reply.js';
import { tr } from '../../../locales/i18n.js';
import { CaseModel, type Case } from '../../../models/index.js';
import { buttonsOf, CASE_CODE, caseCodeIn, eventually, TelegramHarness, texts, type TelegramChild } from '../../helpers/telegram-child.js';

const vi = tr('vi');

/**
 * A second black-box walk-through over Telegram (the fake Bot API): what happens after a case
 * is filed — a counsellor's answer, the child's next words, a new wish typed after a receipt.
 */
describe('After a case is filed (Telegram)', () => {
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
    return child.received.at(-1)!.text;
  };

  it('puts the child\'s next words into the case a counsellor just answered, not the newest case', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));
    const report = caseCodeIn(await child.skipsToTheEnd());
    await child.presses(vi('bot.menu.opinion'));
    const opinion = caseCodeIn(await child.skipsToTheEnd());
    const [older, newer] = await casesOf(child);
    expect([older!.code, newer!.code]).toEqual([report, opinion]);

    const delivered = await answers(child, older!, 'Tối nay em có chỗ nào an toàn để ngủ không?');
    expect(delivered).toContain('Tối nay em có chỗ nào an toàn để ngủ không?');
    expect(delivered).toContain(vi('followup.reply_hint', { code: report }));

    const reply = await child.says('dạ tối nay em sang nhà bà ngủ ạ');
    const said = texts(reply).join('\n');
    expect(said).toContain(vi('bot.appended', { code: report }));
    // Every path offers 111: the confirmation's keyboard too.
    expect(buttonsOf(reply.at(-1)).map((b) => b.text)).toContain(vi('bot.menu.emergency'));
    expect(said).not.toContain(opinion);
    expect(await wordsOf(older!)).toContain('dạ tối nay em sang nhà bà ngủ ạ');
    expect(await wordsOf(newer!)).not.toContain('dạ tối nay em sang nhà bà ngủ ạ');

    // The code still opens the other case's thread: the words go where the child chose.
    await child.says(opinion);
    await child.says('em muốn thêm cái xích đu');
    expect(await wordsOf(newer!)).toContain('em muốn thêm cái xích đu');
  });

  it('tells a parent how to answer in the adult voice', async () => {
    const parent = bot.child();
    await parent.says('con gái tôi bị bạn cùng lớp bắt nạt');
    await parent.presses('m.report');
    const code = caseCodeIn(await parent.skipsToTheEnd());
    const [filed] = await casesOf(parent);
    const delivered = await answers(parent, filed!, 'Anh/chị có thể kể thêm không ạ?');
    expect(delivered).toContain(vi('followup.reply_hint_adult', { code }));
    expect(delivered).not.toContain('Em muốn trả lời');
  });

  it('starts an opinion when the child types a wish for one right after a report\'s receipt, with the words as its first', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));
    const report = caseCodeIn(await child.skipsToTheEnd());

    const said = texts(await child.says('Mình muốn góp ý về sân chơi ở trường')).join('\n');
    expect(said).not.toContain(vi('bot.appended', { code: report }));
    const opinion = caseCodeIn(await child.skipsToTheEnd());
    expect(opinion).not.toBe(report);
    const filed = await bot.caseByCode(opinion);
    expect(filed.kind).toBe('opinion');
    expect(await wordsOf(filed)).toEqual(['Mình muốn góp ý về sân chơi ở trường']);
    expect(await wordsOf(await bot.caseByCode(report))).not.toContain('Mình muốn góp ý về sân chơi ở trường');
  });

  it('answers sadness with a warm word and 111, with or without diacritics and in English, and raises no urgent case', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.opinion'));
    const code = caseCodeIn(await child.skipsToTheEnd());

    // English words are understood too; a child who has written Vietnamese with its marks is still answered in Vietnamese.
    const en = tr('en');
    for (const [words, t] of [['em buồn lắm, không biết nói với ai', vi], ['em buon lam, khong biet noi voi ai', vi], ['i feel so alone, nobody to talk to', vi]] as const) {
      const said = texts(await child.says(words));
      expect(said).toContain(t('followup.check_in'));
      expect(said.join('\n')).toContain(t('bot.appended', { code }));
    }
    const cases = await casesOf(child);
    expect(cases.map((c) => c.priority)).not.toContain('urgent');
    expect(cases).toHaveLength(1);
    // A child who writes in English is answered in English.
    const other = bot.child();
    await other.says('/start');
    expect(texts(await other.says('i feel so alone, nobody to talk to'))).toContain(en('followup.check_in'));

    // Plain words after a receipt get no check-in.
    const plain = texts(await child.says('em thích chơi đá bóng'));
    expect(plain).not.toContain(vi('followup.check_in'));
    expect(plain).not.toContain(en('followup.check_in'));
  });

  it('does not ask a parent the age and gender the first words told, and keeps the adult voice ("chúng tôi")', async () => {
    const parent = bot.child();
    const first = 'con gái tôi 9 tuổi bị chú hàng xóm sờ vào người';
    await parent.says(first);
    const asked: string[] = [];
    let said = texts(await parent.presses(vi('fixes.follow_up.answer')));
    for (let i = 0; i < 20 && !said.some((t) => CASE_CODE.test(t)); i++) {
      asked.push(...said);
      const atDanger = buttonsOf(parent.lastKeyboard).some((b) => b.text === vi('bot.opt.danger.no'));
      const labels = buttonsOf(parent.lastKeyboard).map((b) => b.text);
      const skip = [vi('bot.button.skip'), vi('bot.button.done')].find((l) => labels.includes(l))!;
      said = texts(atDanger ? await parent.says('không, cháu đang ở nhà với tôi') : await parent.presses(skip));
    }
    expect(asked).toContain(vi('understand.kept_with_answer_adult'));
    expect(vi('understand.kept_with_answer_adult')).toMatch(/^Chúng tôi /);
    for (const key of ['bot.q.age_other', 'bot.q.gender_other']) {
      expect(asked).not.toContain(vi(`${key}_adult`));
      expect(asked).not.toContain(vi(key));
    }
    const [filed] = await casesOf(parent);
    expect(filed).toMatchObject({ reporterRole: 'parent', ageBand: '6_10', gender: 'girl' });
    expect((await wordsOf(filed!))[0]).toBe(first);
  });
});
