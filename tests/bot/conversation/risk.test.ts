import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../../locales/i18n.js';
import { CaseModel, ContactModel, type Case } from '../../../models/index.js';
import { caseCodeIn, PROVINCE_HOTLINE, TelegramHarness, texts, type TelegramChild, RECEIPT_ANYWHERE } from '../../helpers/telegram-child.js';

const vi = tr('vi');
const EMERGENCY = vi('bot.emergency', { provinceLine: vi('bot.province_line', { number: PROVINCE_HOTLINE }) });

describe('Risk words and danger at any step (Telegram)', () => {
  let bot: TelegramHarness;

  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  const casesOf = async (child: TelegramChild): Promise<Case[]> => {
    const contact = await bot.contactOf(child.chatId);
    return bot.app.store.collection(CaseModel).find({ contactId: contact!._id }, { sort: { createdAt: 1 } });
  };

  /** The one urgent case of the child, with its alert in the audit log. */
  const expectOneUrgentCase = async (child: TelegramChild, reason: string) => {
    const urgent = (await casesOf(child)).filter((c) => c.priority === 'urgent');
    expect(urgent).toHaveLength(1);
    expect(urgent[0]!.urgentReasons).toContain(reason);
    const actions = (await bot.auditOf(urgent[0]!._id)).map((e) => e.action);
    expect(actions.filter((a) => a === 'case.urgent_alert')).toHaveLength(1);
    return urgent[0]!;
  };

  it('shows the emergency numbers at once when a child writes "muon chet" (no diacritics) as the first message', async () => {
    const child = bot.child();

    const answer = await child.says('muon chet');

    // Suicidal thoughts get their own words ("Cảm ơn em đã nói ra"), not those for abuse.
    expect(texts(answer).slice(0, 2)).toEqual([vi('crisis_fixes.serious_self_harm'), EMERGENCY]);
    const urgent = await expectOneUrgentCase(child, 'self_harm');
    expect((await bot.messagesOf(urgent._id)).map((m) => m.text)).toEqual(['muon chet']);
  });

  it('makes the case urgent when the child writes "bị xâm hại" at the menu, keeping the words in the case', async () => {
    const child = bot.child();
    await child.says('/start');

    const answer = await child.says('em bị xâm hại');

    expect(texts(answer).slice(0, 2)).toEqual([vi('bot.urgent_detected'), EMERGENCY]);
    const urgent = await expectOneUrgentCase(child, 'sexual_abuse');
    expect((await bot.messagesOf(urgent._id)).map((m) => m.text)).toEqual(['em bị xâm hại']);
  });

  it('appends what the child writes after the alarm to that urgent case', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.says('em muốn chết');

    const answer = await child.says('Bố mẹ em cãi nhau suốt');

    const urgent = await expectOneUrgentCase(child, 'self_harm');
    expect(texts(answer)).toEqual([`${vi('bot.appended', { code: urgent.code })}\n\n${vi('bot.menu_prompt')}`]);
    expect((await bot.messagesOf(urgent._id)).map((m) => m.text)).toEqual(['em muốn chết', 'Bố mẹ em cãi nhau suốt']);
    expect(await casesOf(child)).toHaveLength(1);
  });

  it('puts what the child wrote before the risk words into the urgent case too', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.says('Chuyện này kéo dài từ đầu năm học');

    const answer = await child.says('bo em danh em');

    expect(texts(answer)).toEqual([vi('bot.urgent_detected'), EMERGENCY, expect.stringContaining(vi('fixes.follow_up.offer'))]);
    const urgent = await expectOneUrgentCase(child, 'violence');
    expect((await bot.messagesOf(urgent._id)).map((m) => m.text)).toEqual(['Chuyện này kéo dài từ đầu năm học', 'bo em danh em']);
  });

  it('makes the report urgent when the child writes "bố đánh em" as the story, and goes on with the questions', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));
    await child.presses(vi('bot.opt.danger.no'));
    // About, age, gender, province (no commune without it), harm.
    for (let i = 0; i < 5; i++) await child.presses(vi('bot.button.skip'));
    expect(child.received.at(-1)?.text).toBe(vi('bot.q.story_report'));

    const answer = await child.says('bố đánh em');

    expect(texts(answer)).toEqual([vi('bot.urgent_detected'), EMERGENCY, vi('bot.q.story_more')]);
    const urgent = await expectOneUrgentCase(child, 'violence');
    expect((await bot.messagesOf(urgent._id)).map((m) => m.text)).toEqual(['bố đánh em']);

    const receipt = await child.skipsToTheEnd();
    const code = caseCodeIn(receipt);
    expect(code).toBe(urgent.code);
    expect(receipt.at(-2)?.text).toBe(vi('bot.receipt', { anywhere: RECEIPT_ANYWHERE, code, next: vi('bot.receipt_next.urgent') }));
    expect(await casesOf(child)).toHaveLength(1);
  });

  it('shows the numbers once when the words typed at "what happened?" both answer it and are risk words', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));
    await child.presses(vi('bot.opt.danger.no'));
    // About, age, gender, province (no commune without it): then "what happened?".
    for (let i = 0; i < 4; i++) await child.presses(vi('bot.button.skip'));
    expect(child.received.at(-1)?.text).toBe(vi('bot.q.harm'));

    const answer = await child.says('bi xam hai tinh duc');

    expect(texts(answer).filter((t) => t === EMERGENCY)).toHaveLength(1);
    expect(texts(answer)[0]).toBe(vi('bot.urgent_detected'));
    const urgent = await expectOneUrgentCase(child, 'sexual_abuse');
    expect((await bot.messagesOf(urgent._id)).map((m) => m.text)).toEqual(['bi xam hai tinh duc']);
  });

  it('makes the case urgent when the child writes "bo danh em" instead of choosing an age, then asks the age again', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.advice'));
    await child.presses(vi('bot.opt.advice_area.psychology'));
    await child.presses(vi('bot.button.skip')); // the story, for now
    await child.presses(vi('bot.opt.danger.no'));
    await child.presses(vi('bot.opt.about.self'));

    const answer = await child.says('bo danh em');

    expect(texts(answer)).toEqual([vi('bot.urgent_detected'), EMERGENCY, vi('bot.q.age_self')]);
    const urgent = await expectOneUrgentCase(child, 'violence');
    expect(urgent.kind).toBe('advice');

    await child.presses(vi('bot.opt.age.11_13'));
    const receipt = await child.skipsToTheEnd();
    expect(caseCodeIn(receipt)).toBe(urgent.code);
    const stored = await bot.caseByCode(urgent.code);
    expect(stored).toMatchObject({ priority: 'urgent', ageBand: '11_13', adviceArea: 'psychology' });
    expect((await bot.messagesOf(stored._id)).map((m) => m.text)).toEqual(['bo danh em']);
  });

  it('makes the report urgent at once when the child answers "in danger now", stays with the child until safe, then asks on', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));

    const answer = await child.presses(vi('bot.opt.danger.yes'));

    // A button press tells no story: no "not your fault", the general first line.
    expect(texts(answer)).toEqual([`${vi('crisis_fixes.with_you')}\n${vi('crisis_fixes.first.general')}`, vi('crisis.call_111', { provinceLine: vi('bot.province_line', { number: PROVINCE_HOTLINE }) })]);
    const urgent = await expectOneUrgentCase(child, 'danger_now');
    expect(urgent.dangerNow).toBe(true);
    expect(texts(await child.says('em an toàn rồi'))).toEqual([`${vi('crisis.safe')}\n\n${vi('crisis_fixes.your_code', { code: urgent.code })}`, vi('bot.q.about')]);
    const receipt = await child.skipsToTheEnd();
    expect(caseCodeIn(receipt)).toBe(urgent.code);
    expect(receipt.at(-2)?.text).toBe(vi('bot.receipt', { anywhere: RECEIPT_ANYWHERE, code: urgent.code, next: vi('bot.receipt_next.urgent') }));
  });

  it('makes the open case urgent when the child writes a risk word after the receipt', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.opinion'));
    const code = caseCodeIn(await child.skipsToTheEnd());
    expect((await bot.caseByCode(code)).priority).toBe('normal');

    const answer = await child.says('hôm qua bố đánh em');

    expect(texts(answer).slice(0, 2)).toEqual([vi('bot.urgent_detected'), EMERGENCY]);
    const urgent = await expectOneUrgentCase(child, 'violence');
    expect(urgent.code).toBe(code);
    expect((await bot.messagesOf(urgent._id)).map((m) => m.text)).toEqual(['hôm qua bố đánh em']);
    expect(await casesOf(child)).toHaveLength(1);
  });

  it('alerts the staff once however many risk words follow', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));
    await child.presses(vi('bot.opt.danger.yes'));

    const again = await child.says('bố đánh em');

    expect(texts(again)[0]).toBe(vi('crisis.still_here'));
    const urgent = await expectOneUrgentCase(child, 'danger_now');
    expect(urgent.urgentReasons).toEqual(expect.arrayContaining(['danger_now', 'violence']));
  });

  it('does not raise an alarm for everyday words', async () => {
    const child = bot.child();
    await child.says('/start');

    const answer = await child.says('Em không biết nói với ai');

    // No alarm and no case: a warm word with 111 (loneliness, follow-up.test.ts), then the words are held.
    expect(texts(answer)).toEqual([vi('followup.check_in'), vi('bot.held_prompt')]);
    expect(await casesOf(child)).toEqual([]);
  });

  describe('a blocked contact', () => {
    it('gets only the emergency numbers, yet danger still reaches staff, once, with the words kept', async () => {
      const child = bot.child();
      await child.says('/start');
      const contact = await bot.contactOf(child.chatId);
      await bot.app.store.collection(ContactModel).findOneAndUpdate({ _id: contact!._id }, { $set: { blocked: true } });

      const chatter = await child.says('alo alo');
      expect(texts(chatter)).toEqual([vi('bot.blocked')]);

      const first = await child.says('bố em đánh em chảy máu');
      expect(texts(first)).toEqual([vi('bot.urgent_detected'), EMERGENCY, vi('bot.blocked')]);
      await child.says('em sợ lắm, bố đánh em nữa');

      const urgent = await expectOneUrgentCase(child, 'violence');
      const words = (await bot.messagesOf(urgent._id)).map((m) => m.text);
      expect(words).toEqual(expect.arrayContaining(['bố em đánh em chảy máu', 'em sợ lắm, bố đánh em nữa']));
    });
  });
});
