import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../../locales/i18n.js';
import { CaseModel } from '../../../models/index.js';
import type { SentMessage } from '../../fakes/fake-bot-api.js';
import { buttonsOf, caseCodeIn, TelegramHarness, texts, RECEIPT_ANYWHERE } from '../../helpers/telegram-child.js';

const vi = tr('vi');
const en = tr('en');
/** A line in the adult voice: `key_adult`. */
const viA = (key: string, options?: Record<string, unknown>) => vi(`${key}_adult`, options);
const enA = (key: string, options?: Record<string, unknown>) => en(`${key}_adult`, options);

/** Words that speak to a child or of "your friend": never in a line meant for an adult. */
const CHILD_VOICE = /(?<!\p{L})(?:em|bạn ấy|với em)(?!\p{L})/iu;
const childVoiceIn = (messages: readonly SentMessage[]) =>
  messages.flatMap((m) => [m.text, ...buttonsOf(m).map((b) => b.text)]).filter((line) => CHILD_VOICE.test(line.replaceAll(/trẻ em/giu, '')));

const STORY = 'Con gái tôi 9 tuổi, mấy hôm nay cháu đi học về cứ khóc, không chịu kể gì';
const MORE = 'Cháu bảo không muốn sang nhà ông hàng xóm nữa.';

describe('Who is writing decides the voice (Telegram)', () => {
  let bot: TelegramHarness;

  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  describe('a parent who starts with "con gái tôi 9 tuổi…"', () => {
    const seen: SentMessage[] = [];
    let code: string;

    beforeAll(async () => {
      const parent = bot.child();
      const step = async (sent: Promise<SentMessage[]>) => {
        const got = await sent;
        seen.push(...got);
        return texts(got);
      };
      expect(await step(parent.says(STORY))).toEqual([viA('bot.greeting', { provinceLine: vi('bot.province_line', { number: '1800 8079' }) }), viA('bot.held_prompt')]);
      expect(await step(parent.presses(vi('bot.menu.report')))).toEqual([viA('bot.q.danger')]);
      // Who it is about, who is writing, the child's age ("9 tuổi") and gender ("con gái") are
      // known from the words: no "how old?", no "bé trai hay bé gái?".
      expect(await step(parent.presses(vi('bot.opt.danger.no')))).toEqual([viA('bot.q.province')]);
      // No commune once the province is skipped.
      expect(await step(parent.presses(vi('bot.button.skip')))).toEqual([viA('bot.q.harm')]);
      expect(await step(parent.presses(vi('bot.opt.harm.other')))).toEqual([viA('bot.q.story_more')]);
      expect(await step(parent.says(MORE))).toEqual([viA('bot.q.story_more')]);
      expect(await step(parent.presses(vi('bot.button.done')))).toEqual([viA('bot.q.media')]);
      expect(await step(parent.presses(vi('bot.button.done')))).toEqual([viA('bot.q.contact')]);
      const receipt = await parent.presses(vi('bot.opt.contact.chat'));
      seen.push(...receipt);
      code = caseCodeIn(receipt);
      expect(texts(receipt)).toEqual([
        viA('bot.receipt', { anywhere: RECEIPT_ANYWHERE, code, next: viA('bot.receipt_next.report') }),
        `${viA('voice.first_steps_intro.after_report')}\n\n${viA('voice.first_steps')}`,
        viA('bot.menu_prompt'),
      ]);
    });

    it('is spoken to as "anh/chị" in every line, buttons included, and never as "em"', () => {
      expect(seen.length).toBeGreaterThan(10);
      expect(childVoiceIn(seen)).toEqual([]);
      expect(seen.map((m) => m.text).join('\n')).toContain('Anh/chị');
    });

    it('ends with first steps: keep the child away, do not confront, keep evidence, a doctor, 111 and 113', () => {
      const steps = seen.at(-2)!.text;
      for (const words of ['tránh xa người', 'Đừng đối chất', 'bằng chứng', 'đi khám', 'tin cháu', '111', '113']) expect(steps).toContain(words);
      // The menu after it still offers the emergency numbers.
      expect(buttonsOf(seen.at(-1)).map((b) => b.text)).toContain(vi('bot.menu.emergency'));
    });

    it('stores the case as a parent\'s report about a girl of 6–10, with every word the parent wrote', async () => {
      const stored = await bot.caseByCode(code);
      expect(stored).toMatchObject({ kind: 'report', about: 'other_child', reporterRole: 'parent', gender: 'girl', ageBand: '6_10', harmType: 'other' });
      expect((await bot.messagesOf(stored._id)).map((m) => m.text)).toEqual([STORY, MORE]);
    });
  });

  describe('the adult answer to "who did this happen to?"', () => {
    it('is offered beside "me" and "another child", and leads to a question for adults only', async () => {
      const adult = bot.child();
      await adult.says('/start');
      await adult.presses(vi('bot.menu.report'));
      const about = await adult.presses(vi('bot.opt.danger.no'));
      expect(texts(about)).toEqual([vi('bot.q.about')]);
      expect(buttonsOf(about[0]).map((b) => b.text)).toEqual(expect.arrayContaining([vi('bot.opt.about.self'), vi('bot.opt.about.other_child'), vi('bot.opt.about.adult')]));

      const role = await adult.presses(vi('bot.opt.about.adult'));
      expect(texts(role)).toEqual([viA('bot.q.role')]);
      // An adult is not offered "I am a child".
      const offered = buttonsOf(role[0]).map((b) => b.text);
      expect(offered).toEqual(expect.arrayContaining([vi('bot.opt.role.parent'), vi('bot.opt.role.teacher'), vi('bot.opt.role.other')]));
      expect(offered).not.toContain(vi('bot.opt.role.child'));

      expect(texts(await adult.presses(vi('bot.opt.role.teacher')))).toEqual([viA('bot.q.age_other')]);
      expect(texts(await adult.presses(vi('bot.opt.age.11_13')))).toEqual([viA('bot.q.gender_other')]);
      const seen = await adult.skipsToTheEnd();
      expect(childVoiceIn([...role, ...seen])).toEqual([]);
      const code = caseCodeIn(seen);
      expect(texts(seen).slice(-3)).toEqual([
        viA('bot.receipt', { anywhere: RECEIPT_ANYWHERE, code, next: viA('bot.receipt_next.report') }),
        `${viA('voice.first_steps_intro.after_report')}\n\n${viA('voice.first_steps')}`,
        viA('bot.menu_prompt'),
      ]);
      expect(await bot.caseByCode(code)).toMatchObject({ about: 'other_child', reporterRole: 'teacher', ageBand: '11_13' });
    });

    it('is also read from words typed there ("tôi là mẹ của cháu"), which are kept in the report', async () => {
      const adult = bot.child();
      await adult.says('/start');
      await adult.presses(vi('bot.menu.report'));
      await adult.presses(vi('bot.opt.danger.no'));
      expect(texts(await adult.says('tôi là mẹ của cháu'))).toEqual([viA('bot.q.age_other')]);
      const code = caseCodeIn(await adult.skipsToTheEnd());
      const stored = await bot.caseByCode(code);
      expect(stored).toMatchObject({ about: 'other_child', reporterRole: 'parent' });
      expect((await bot.messagesOf(stored._id)).map((m) => m.text)).toEqual(['tôi là mẹ của cháu']);
    });

    it('gives an adult who skips the role question the role "another adult", and first steps after advice', async () => {
      const adult = bot.child();
      await adult.says('/start');
      await adult.presses(vi('bot.menu.advice'));
      await adult.presses(vi('bot.opt.advice_area.psychology'));
      await adult.presses(vi('bot.button.skip')); // the story, asked first in advice
      await adult.presses(vi('bot.opt.danger.no'));
      expect(texts(await adult.presses(vi('bot.opt.about.adult')))).toEqual([viA('bot.q.role')]);
      expect(texts(await adult.presses(vi('bot.button.skip')))).toEqual([viA('bot.q.age_other')]);
      const seen = await adult.skipsToTheEnd();
      expect(childVoiceIn(seen)).toEqual([]);
      expect(texts(seen).at(-2)).toBe(`${viA('voice.first_steps_intro.after_advice')}\n\n${viA('voice.first_steps')}`);
      expect(await bot.caseByCode(caseCodeIn(seen))).toMatchObject({ kind: 'advice', about: 'other_child', reporterRole: 'other' });
    });

    it('lets an adult share an opinion as one: the role first, then no question about their own age or gender', async () => {
      const adult = bot.child();
      await adult.says('/start');
      expect(texts(await adult.presses(vi('bot.menu.opinion')))).toEqual([vi('bot.q.role')]);
      expect(texts(await adult.presses(vi('bot.opt.role.parent')))).toEqual([viA('bot.q.province')]);
      const seen = await adult.skipsToTheEnd();
      expect(childVoiceIn(seen)).toEqual([]);
      const code = caseCodeIn(seen);
      // An opinion is no report: the receipt, then the menu, without first steps.
      expect(texts(seen).slice(-2)).toEqual([viA('bot.receipt', { anywhere: RECEIPT_ANYWHERE, code, next: viA('bot.receipt_next.opinion') }), viA('bot.menu_prompt')]);
      expect(await bot.caseByCode(code)).toMatchObject({ kind: 'opinion', reporterRole: 'parent', ageBand: 'adult' });
    });

    it('keeps a child who tells about a friend a child: no adult lines, no first steps in the receipt', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.report'));
      await child.presses(vi('bot.opt.danger.no'));
      expect(texts(await child.presses(vi('bot.opt.about.other_child')))).toEqual([vi('bot.q.age_other')]);
      const seen = await child.skipsToTheEnd();
      const code = caseCodeIn(seen);
      expect(texts(seen).slice(-2)).toEqual([vi('bot.receipt', { anywhere: RECEIPT_ANYWHERE, code, next: vi('bot.receipt_next.report') }), vi('bot.menu_prompt')]);
      expect(await bot.caseByCode(code)).toMatchObject({ about: 'other_child', reporterRole: 'child' });
    });
  });

  describe('"Tôi nên làm gì?"', () => {
    const adultSteps = `${viA('voice.first_steps_intro.asked')}\n\n${viA('voice.first_steps')}`;

    it('is answered with the first steps at the menu, with Menu and 111', async () => {
      const parent = bot.child();
      await parent.says('/start');
      const answer = await parent.says('Tôi nên làm gì?');
      expect(texts(answer)).toEqual([adultSteps]);
      expect(buttonsOf(answer[0]).map((b) => b.text)).toEqual([vi('bot.button.menu'), vi('bot.button.sos')]);
    });

    it('is answered in the middle of a report, which then goes on; the question is kept in the report', async () => {
      const parent = bot.child();
      await parent.says(STORY);
      await parent.presses(vi('bot.menu.report'));
      expect(texts(await parent.says('giờ tôi phải làm sao ạ'))).toEqual([adultSteps, viA('bot.q.danger')]);
      const code = caseCodeIn(await parent.skipsToTheEnd());
      expect((await bot.messagesOf((await bot.caseByCode(code))._id)).map((m) => m.text)).toEqual([STORY, 'giờ tôi phải làm sao ạ']);
    });

    it('gets the child\'s first steps when a child asks "em phải làm sao?"', async () => {
      const child = bot.child();
      await child.says('/start');
      const answer = texts(await child.says('em phải làm sao?'));
      expect(answer).toEqual([`${vi('voice.first_steps_intro.asked')}\n\n${vi('voice.first_steps')}`]);
      expect(answer[0]).toContain('111');
    });

    it('ends a longer message of an adult: the words open an urgent case, and the first steps follow the numbers', async () => {
      const parent = bot.child();
      const words = 'Con trai tôi bị bố dượng đánh, tôi nên làm gì?';
      const answer = texts(await parent.says(words));
      expect(answer.slice(0, 2)).toEqual([expect.stringContaining('Cảm ơn anh/chị đã báo'), viA('bot.emergency', { provinceLine: vi('bot.province_line', { number: '1800 8079' }) })]);
      expect(answer).toContain(adultSteps);
      // Then the offer to tell more or answer the questions (its keyboard has the menu).
      expect(answer.at(-1)).toContain(viA('fixes.follow_up.offer'));
      const contact = await bot.contactOf(parent.chatId);
      const open = (await bot.app.store.collection(CaseModel).findOne({ _id: contact!.openCaseId! }))!;
      expect(open).toMatchObject({ priority: 'urgent', about: 'other_child', reporterRole: 'parent' });
      expect((await bot.messagesOf(open._id)).map((m) => m.text)).toEqual([words]);
    });
  });

  it('keeps an adult in crisis mode with adult words: take the child away, call 113, "the child is safe"', async () => {
    const parent = bot.child();
    const answer = await parent.says('Con gái tôi đang bị bố nó đánh ngay bây giờ');
    expect(texts(answer)[0]).toBe(`${viA('crisis_fixes.with_you')}\n${viA('crisis_fixes.first.hit_now')}`);
    expect(buttonsOf(answer[1]).map((b) => b.text)).toEqual([vi('crisis.button_113'), viA('crisis.button_safe')]);
    const safe = texts(await parent.says('cháu an toàn rồi'))[0]!;
    expect(safe).toBe(`${viA('crisis.safe')}\n\n${viA('crisis_fixes.your_code', { code: caseCodeIn(parent.received) })}`);
  });

  it('speaks English to an English-speaking parent ("my daughter…") as an adult', async () => {
    const parent = bot.child();
    await parent.says('/start');
    await parent.presses(vi('bot.menu.lang'));
    expect(texts(await parent.says('My daughter keeps crying after her piano lessons'))).toEqual([enA('bot.held_prompt')]);
    expect(texts(await parent.presses(en('bot.menu.report')))).toEqual([enA('bot.q.danger')]);
    expect(texts(await parent.presses(en('bot.opt.danger.no')))).toEqual([enA('bot.q.age_other')]);
    expect(texts(await parent.says('what should I do?'))).toEqual([`${enA('voice.first_steps_intro.asked')}\n\n${enA('voice.first_steps')}`, enA('bot.q.age_other')]);
  });
});
