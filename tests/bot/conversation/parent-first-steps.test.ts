/**
 * A parent who reports gets first steps that fit the harm they reported, right after the
 * receipt: a child bullied at school needs the form teacher and the school, not "don't wash the
 * clothes"; harm online needs screenshots kept and no money paid; neglect needs food, a safe
 * place and the commune. 111 is in every version. Over Telegram's fake Bot API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../../locales/i18n.js';
import { buttonsOf, caseCodeIn, TelegramHarness, texts, type TelegramChild } from '../../helpers/telegram-child.js';

const vi = tr('vi');
const en = tr('en');
const viA = (key: string) => vi(key, { context: 'adult' });
const enA = (key: string) => en(key, { context: 'adult' });

/** Words each harm's steps must say, and words from the other harms' steps they must not. */
const FITTING: [harm: string, says: string[], never: string[]][] = [
  ['bullying', ['giáo viên chủ nhiệm', 'Ban giám hiệu', 'không phải lỗi của cháu'], ['giặt quần áo', 'tắm cho cháu', 'Ủy ban nhân dân']],
  ['violence', ['Chụp ảnh vết thương', 'người thân', 'không phải lỗi của cháu'], ['giặt quần áo', 'giáo viên chủ nhiệm']],
  ['sexual_abuse', ['giặt quần áo', 'đi khám', 'Đừng đối chất'], ['giáo viên chủ nhiệm', 'trả tiền']],
  ['online', ['chụp màn hình', 'đừng trả tiền', 'chặn và báo cáo'], ['giặt quần áo', 'giáo viên chủ nhiệm']],
  ['neglect', ['ăn uống', 'chỗ ngủ an toàn', 'Ủy ban nhân dân xã'], ['giặt quần áo', 'giáo viên chủ nhiệm']],
];

describe('First steps that fit the harm a parent reported (Telegram)', () => {
  let bot: TelegramHarness;

  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  /** A parent's report up to the harm question: report, not in danger now, "my child", a parent; the rest skipped. */
  async function toHarm(parent: TelegramChild, t = vi) {
    await parent.presses(t('bot.menu.report'));
    await parent.presses(t('bot.opt.danger.no'));
    await parent.presses(t('bot.opt.about.adult'));
    await parent.presses(t('bot.opt.role.parent'));
    for (let i = 0; i < 6 && !buttonsOf(parent.lastKeyboard).some((b) => b.text === t('bot.opt.harm.bullying')); i++) await parent.presses(t('bot.button.skip'));
  }

  it.each(FITTING)('gives a parent who reported "%s" the steps for it, with 111, right after the receipt', async (harm, says, never) => {
    const parent = bot.child();
    await parent.says('/start');
    await toHarm(parent);
    await parent.presses(vi(`bot.opt.harm.${harm}`));
    const end = await parent.skipsToTheEnd();

    const receiptAt = end.findIndex((m) => /HTX-/.test(m.text));
    const steps = end[receiptAt + 1]!.text;
    expect(steps).toBe(`${viA('voice.first_steps_intro.after_report')}\n\n${viA(`voice.first_steps_harm.${harm}`)}`);
    for (const words of [...says, '111']) expect(steps).toContain(words);
    for (const words of never) expect(steps).not.toContain(words);
    // Spoken to as "anh/chị", never "em" ("trẻ em" is a noun).
    expect(steps.replaceAll('trẻ em', '')).not.toMatch(/(?<!\p{L})em(?!\p{L})/u);
  });

  it('gives the steps for bullying when the parent skipped the harm but their words tell it', async () => {
    const parent = bot.child();
    await parent.says('/start');
    await toHarm(parent);
    await parent.presses(vi('bot.button.skip'));
    await parent.says('Con tôi bị mấy bạn cùng lớp đánh hội đồng, bắt nạt suốt ở trường');
    const end = await parent.skipsToTheEnd();

    const code = caseCodeIn(end);
    expect((await bot.caseByCode(code)).harmType).toBe('bullying');
    expect(texts(end)).toContain(`${viA('voice.first_steps_intro.after_report')}\n\n${viA('voice.first_steps_harm.bullying')}`);
  });

  it('gives an English-speaking parent the English steps for bullying', async () => {
    const parent = bot.child();
    await parent.says('/start');
    await parent.presses(vi('bot.menu.lang'));
    await toHarm(parent, en);
    await parent.presses(en('bot.opt.harm.bullying'));
    const end = await parent.skipsToTheEnd();

    const steps = texts(end).find((m) => m.startsWith(enA('voice.first_steps_intro.after_report')))!;
    expect(steps).toContain(enA('voice.first_steps_harm.bullying'));
    expect(steps).toContain('form teacher');
    expect(steps).toContain('111');
  });

  it('still gives the general steps when the harm is not known', async () => {
    const parent = bot.child();
    await parent.says('/start');
    await toHarm(parent);
    const end = await parent.skipsToTheEnd();

    expect(texts(end)).toContain(`${viA('voice.first_steps_intro.after_report')}\n\n${viA('voice.first_steps')}`);
  });
});
