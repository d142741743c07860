/**
 * A shared phone: a brother, a parent or the person who hurts the child may pick up the same
 * phone (the same Telegram account) after a report was sent from it. A new report must not tell
 * them anything of the earlier one — not its place, age, gender or code — and asks its questions
 * afresh, so nothing of the earlier report is taken into the new one either.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../../locales/i18n.js';
import { EngineChild } from '../../helpers/engine-child.js';
import { caseCodeIn, TelegramHarness, texts, type TelegramChild } from '../../helpers/telegram-child.js';

const vi = tr('vi');
const en = tr('en');
/** Words of the first report that must never come back to the chat (the gender question itself names both). */
const EARLIER = ['Hà Nội', 'Ba Đình', '11–13', 'Vẫn là'];

describe('A second report on a shared phone (Telegram)', () => {
  let bot: TelegramHarness;

  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  /** The first report: 11–13, a girl, Phường Ba Đình in Hà Nội; its code. */
  async function firstReport(child: TelegramChild): Promise<string> {
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));
    await child.presses(vi('bot.opt.danger.no'));
    await child.presses(vi('bot.opt.about.self'));
    await child.presses(vi('bot.opt.age.11_13'));
    await child.presses(vi('bot.opt.gender.girl'));
    await child.presses('Hà Nội');
    await child.says('Phường Ba Đình');
    return caseCodeIn(await child.skipsToTheEnd());
  }

  /** Every text the bot sent from `from` on (the province keyboard's buttons are not text). */
  const said = (child: TelegramChild, from: number) => texts(child.received.slice(from)).join('\n');

  it('asks every question again and never shows the earlier report\'s place, age, gender or code', async () => {
    const child = bot.child();
    const code = await firstReport(child);
    const from = child.received.length;

    await child.presses(vi('bot.menu.report'));
    await child.presses(vi('bot.opt.danger.no'));
    expect(texts(await child.presses(vi('bot.opt.about.self')))).toEqual([vi('bot.q.age_self')]);
    expect(texts(await child.presses(vi('bot.button.skip')))).toEqual([vi('bot.q.gender_self')]);
    expect(texts(await child.presses(vi('bot.button.skip')))[0]).toBe(vi('bot.q.province'));
    const second = caseCodeIn(await child.skipsToTheEnd());

    const shown = said(child, from);
    for (const words of [...EARLIER, code]) expect(shown).not.toContain(words);
    expect(await bot.caseByCode(second)).toMatchObject({ ageBand: null, gender: null, area: { province: null, commune: null } });
  });

  it('asks again for an opinion or advice about oneself, in English too', async () => {
    const child = bot.child();
    await firstReport(child);
    await child.presses(vi('bot.menu.lang'));
    const from = child.received.length;

    expect(texts(await child.presses(en('bot.menu.opinion')))).toEqual([en('bot.q.role')]);
    expect(said(child, from)).not.toMatch(/Hà Nội|Ba Đình|11–13|a girl|Still/);
  });

  it('does not name the earlier report\'s code when words are added to it', async () => {
    const child = bot.child();
    const code = await firstReport(child);

    const answer = texts(await child.says('còn một chuyện nữa là em hay bị mất ngủ')).join('\n');

    expect(answer).toContain(vi('bot.appended'));
    expect(answer).not.toContain(code);
    const words = (await bot.messagesOf((await bot.caseByCode(code))._id)).map((m) => m.text);
    expect(words).toContain('còn một chuyện nữa là em hay bị mất ngủ');
  });

  it('asks who is writing again after a parent\'s report, so a child\'s report on the same phone is not filed as the parent\'s', async () => {
    const phone = bot.child();
    await phone.says('/start');
    await phone.says('Con gái tôi 9 tuổi dạo này đi học về hay khóc');
    await phone.presses(vi('bot.menu.report'));
    const parents = await bot.caseByCode(caseCodeIn(await phone.skipsToTheEnd()));
    expect(parents.reporterRole).toBe('parent');

    // Someone else picks up the phone and reports.
    await phone.presses(vi('bot.menu.report'));
    expect(texts(await phone.presses(vi('bot.opt.danger.no')))).toEqual([vi('bot.q.about')]);
    expect(texts(await phone.presses(vi('bot.opt.about.self')))).toEqual([vi('bot.q.age_self')]);
    const second = await bot.caseByCode(caseCodeIn(await phone.skipsToTheEnd()));
    expect(second).toMatchObject({ about: 'self', reporterRole: 'child', gender: null, ageBand: null });
  });

  it('asks again on the web chat engine too, after an opinion', async () => {
    const child = new EngineChild(bot.app);
    await child.says('/start');
    await child.presses(vi('bot.menu.opinion'));
    await child.presses(vi('bot.opt.role.child'));
    await child.presses(vi('bot.opt.age.14_15'));
    for (let step = await child.step(); step !== 'idle'; step = await child.step()) {
      await child.presses(child.options.includes(vi('bot.button.skip')) ? vi('bot.button.skip') : vi('bot.button.done'));
    }
    await child.presses(vi('bot.menu.opinion'));

    expect(child.question).toBe(vi('bot.q.role'));
  });
});
