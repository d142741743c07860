/**
 * Answers remembered within a session: a second case in the same chat offers the first case's
 * age band, gender and place in one question instead of asking each again — offered, never
 * assumed — and forget-me wipes them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../../locales/i18n.js';
import { EngineChild } from '../../helpers/engine-child.js';
import { buttonsOf, caseCodeIn, TelegramHarness, texts, type TelegramChild } from '../../helpers/telegram-child.js';

const vi = tr('vi');
const en = tr('en');
const SAME = vi('bot.q.same', { summary: 'em 11–13 tuổi, bạn nữ, ở Phường Ba Đình, Hà Nội' });

describe('Answers remembered for the next case (Telegram)', () => {
  let bot: TelegramHarness;

  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  /** A first report about the child: 11–13, a girl, Phường Ba Đình in Hà Nội. */
  async function firstReport(child: TelegramChild) {
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));
    await child.presses(vi('bot.opt.danger.no'));
    await child.presses(vi('bot.opt.about.self'));
    await child.presses(vi('bot.opt.age.11_13'));
    await child.presses(vi('bot.opt.gender.girl'));
    await child.presses('Hà Nội');
    await child.says('Phường Ba Đình');
    await child.skipsToTheEnd();
  }

  it('offers the first case\'s answers in one question, and "Đúng vậy" takes them without asking again', async () => {
    const child = bot.child();
    await firstReport(child);

    expect(texts(await child.presses(vi('bot.menu.advice')))).toEqual([vi('bot.q.advice_area')]);
    await child.presses(vi('bot.opt.advice_area.school'));
    await child.says('Em sắp thi vào lớp 10 mà em lo quá');
    await child.presses(vi('bot.button.done'));
    await child.presses(vi('bot.opt.danger.no'));
    const offer = await child.presses(vi('bot.opt.about.self'));

    expect(texts(offer)).toEqual([SAME]);
    expect(buttonsOf(offer[0]).map((b) => b.text)).toEqual(expect.arrayContaining([vi('bot.opt.same.yes'), vi('bot.opt.same.no'), vi('bot.button.sos')]));
    expect(texts(await child.presses(vi('bot.opt.same.yes')))).toEqual([vi('bot.q.contact')]);
    const stored = await bot.caseByCode(caseCodeIn(await child.presses(vi('bot.opt.contact.chat'))));
    expect(stored).toMatchObject({ kind: 'advice', about: 'self', ageBand: '11_13', gender: 'girl', area: { province: 'Hà Nội', commune: 'Phường Ba Đình' } });
  });

  it('asks each question as usual when the child says it is different ("khác")', async () => {
    const child = bot.child();
    await firstReport(child);

    await child.presses(vi('bot.menu.report'));
    await child.presses(vi('bot.opt.danger.no'));
    expect(texts(await child.presses(vi('bot.opt.about.self')))).toEqual([SAME]);
    expect(texts(await child.says('khác ạ'))).toEqual([vi('bot.q.age_self')]);
    expect(texts(await child.says('15 tuổi'))).toEqual([vi('bot.q.gender_self')]);
    const stored = await bot.caseByCode(caseCodeIn(await child.skipsToTheEnd()));
    expect(stored).toMatchObject({ ageBand: '14_15', gender: null, area: { province: null, commune: null } });
  });

  it('does not offer what it knows of the child for a case about another child', async () => {
    const child = bot.child();
    await firstReport(child);

    await child.presses(vi('bot.menu.report'));
    await child.presses(vi('bot.opt.danger.no'));

    expect(texts(await child.presses(vi('bot.opt.about.other_child')))).toEqual([vi('bot.q.age_other')]);
  });

  it('offers it in English in an English chat', async () => {
    const child = bot.child();
    await firstReport(child);
    await child.presses(vi('bot.menu.lang'));

    const offer = await child.presses(en('bot.menu.opinion'));

    expect(texts(offer)).toEqual([en('bot.q.same', { summary: 'you: age 11–13, a girl, in Phường Ba Đình, Hà Nội' })]);
    expect(texts(await child.says('yes'))).toEqual([en('bot.q.topic')]);
  });

  it('forgets them with forget-me: the next case asks every question again', async () => {
    const child = bot.child();
    await firstReport(child);
    await child.says('quên tôi');
    await child.presses(vi('bot.button.yes_forget'));

    await child.says('/start');
    await child.presses(vi('bot.menu.report'));
    await child.presses(vi('bot.opt.danger.no'));

    expect(texts(await child.presses(vi('bot.opt.about.self')))).toEqual([vi('bot.q.age_self')]);
  });

  it('forgets them when the chat is ended and wiped ("Xong & xoá", quick exit)', async () => {
    const child = new EngineChild(bot.app);
    await child.says('/start');
    await child.presses(vi('bot.menu.opinion'));
    await child.presses(vi('bot.opt.role.child'));
    await child.presses(vi('bot.opt.age.14_15'));
    for (let step = await child.step(); step !== 'idle'; step = await child.step()) {
      await child.presses(child.options.includes(vi('bot.button.skip')) ? vi('bot.button.skip') : vi('bot.button.done'));
    }
    await child.presses(vi('bot.menu.opinion'));
    expect(child.question).toBe(vi('bot.q.same', { summary: 'em 14–15 tuổi' }));

    await child.ends();
    await child.says('/start');
    await child.presses(vi('bot.menu.opinion'));

    expect(child.question).toBe(vi('bot.q.role'));
  });
});
