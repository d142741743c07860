import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildReplies } from '../../../cases/child-reply.js';
import { tr } from '../../../locales/i18n.js';
import { CaseModel, type Case } from '../../../models/index.js';
import { caseCodeIn, eventually, TelegramHarness, texts, type TelegramChild } from '../../helpers/telegram-child.js';

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

    const said = texts(await child.says('dạ tối nay em sang nhà bà ngủ ạ')).join('\n');
    expect(said).toContain(vi('bot.appended', { code: report }));
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
});
