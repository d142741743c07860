import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../../locales/i18n.js';
import { caseCodeIn, TelegramHarness, texts, RECEIPT_ANYWHERE } from '../../helpers/telegram-child.js';

const vi = tr('vi');

describe('Sharing an opinion and asking for advice (Telegram)', () => {
  let bot: TelegramHarness;

  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  it('takes an opinion through its questions and gives a receipt that promises an answer within days', async () => {
    const child = bot.child();
    await child.says('/start');

    expect(texts(await child.presses(vi('bot.menu.opinion')))).toEqual([vi('bot.q.role')]);
    expect(texts(await child.presses(vi('bot.opt.role.child')))).toEqual([vi('bot.q.age_self')]);
    expect(texts(await child.presses(vi('bot.opt.age.14_15')))).toEqual([vi('bot.q.gender_self')]);
    expect(texts(await child.presses(vi('bot.opt.gender.boy')))).toEqual([vi('bot.q.province')]);
    expect(texts(await child.says('Huế'))).toEqual([vi('bot.q.commune')]);
    expect(texts(await child.presses(vi('bot.button.skip')))).toEqual([vi('bot.q.topic')]);
    expect(texts(await child.presses(vi('bot.opt.topic.school_play')))).toEqual([vi('bot.q.story_opinion')]);
    expect(texts(await child.says('Em muốn sân trường có thêm cây xanh và chỗ chơi'))).toEqual([vi('bot.q.story_more')]);
    expect(texts(await child.presses(vi('bot.button.done')))).toEqual([vi('bot.q.contact')]);
    const receipt = await child.presses(vi('bot.opt.contact.chat'));

    const code = caseCodeIn(receipt);
    expect(texts(receipt)).toEqual([vi('bot.receipt', { anywhere: RECEIPT_ANYWHERE, code, next: vi('bot.receipt_next.opinion') }), vi('bot.menu_prompt')]);
    const stored = await bot.caseByCode(code);
    expect(stored).toMatchObject({
      kind: 'opinion',
      priority: 'normal',
      reporterRole: 'child',
      ageBand: '14_15',
      gender: 'boy',
      area: { province: 'Huế', commune: null },
      topic: 'school_play',
      contactWish: 'chat',
    });
    expect((await bot.messagesOf(stored._id)).map((m) => m.text)).toEqual(['Em muốn sân trường có thêm cây xanh và chỗ chơi']);
  });

  it('starts an opinion when the child types "góp ý"', async () => {
    const child = bot.child();
    await child.says('/start');

    expect(texts(await child.says('góp ý'))).toEqual([vi('bot.q.role')]);
  });

  it('takes a request for advice, letting the child write after one question, and says so when the child wants no answer', async () => {
    const child = bot.child();
    await child.says('/start');

    expect(texts(await child.presses(vi('bot.menu.advice')))).toEqual([vi('bot.q.advice_area')]);
    expect(texts(await child.presses(vi('bot.opt.advice_area.psychology')))).toEqual([vi('bot.q.story_advice')]);
    expect(texts(await child.says('Em hay bị mất ngủ trước kỳ thi, em phải làm sao'))).toEqual([vi('bot.q.story_more')]);
    expect(texts(await child.presses(vi('bot.button.done')))).toEqual([vi('bot.q.danger')]);
    expect(texts(await child.presses(vi('bot.opt.danger.unsure')))).toEqual([vi('bot.q.about')]);
    expect(texts(await child.presses(vi('bot.opt.about.self')))).toEqual([vi('bot.q.age_self')]);
    expect(texts(await child.says('15'))).toEqual([vi('bot.q.gender_self')]);
    expect(texts(await child.presses(vi('bot.button.skip')))).toEqual([vi('bot.q.province')]);
    // No province, no commune.
    expect(texts(await child.presses(vi('bot.button.skip')))).toEqual([vi('bot.q.contact')]);
    const receipt = await child.presses(vi('bot.opt.contact.none'));

    const code = caseCodeIn(receipt);
    expect(texts(receipt)).toEqual([
      vi('bot.receipt', { anywhere: RECEIPT_ANYWHERE, code, next: vi('bot.receipt_next.advice') }),
      vi('bot.receipt_no_reply'),
      vi('bot.menu_prompt'),
    ]);
    const stored = await bot.caseByCode(code);
    expect(stored).toMatchObject({ kind: 'advice', priority: 'normal', adviceArea: 'psychology', dangerNow: null, about: 'self', ageBand: '14_15', contactWish: 'none' });
  });

  it('starts advice when the child types "cần tư vấn" at the menu (on Telegram the menu shows no numbers to type)', async () => {
    const child = bot.child();
    await child.says('/start');

    expect(texts(await child.says('cần tư vấn'))).toEqual([vi('bot.q.advice_area')]);
  });
});
