import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../../locales/i18n.js';
import { CaseModel, ConversationModel, type Case } from '../../../models/index.js';
import { buttonsOf, PROVINCE_HOTLINE, TelegramHarness, texts, type TelegramChild } from '../../helpers/telegram-child.js';

const vi = tr('vi');
const en = tr('en');
const provinceLine = (t: typeof vi) => t('bot.province_line', { number: PROVINCE_HOTLINE });

describe('Risk severity and crisis mode (Telegram)', () => {
  let bot: TelegramHarness;

  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  const casesOf = async (child: TelegramChild): Promise<Case[]> => {
    const contact = await bot.contactOf(child.chatId);
    return bot.app.store.collection(CaseModel).find({ contactId: contact!._id }, { sort: { createdAt: 1 } });
  };
  const englishChild = async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.lang'));
    return child;
  };
  /** Skips the report's questions until the bot asks `question`. */
  const skipUntil = async (child: TelegramChild, question: string) => {
    for (let i = 0; i < 10 && child.received.at(-1)?.text !== question; i++) await child.presses(vi('bot.button.skip'));
    expect(child.received.at(-1)?.text).toBe(question);
  };

  it('answers an English "i want to die" with the numbers and an urgent case', async () => {
    const child = await englishChild();

    const answer = await child.says('i want to die');

    // Then the offer to tell more or answer the questions, for this same case.
    expect(texts(answer)).toEqual([en('crisis_fixes.serious_self_harm'), en('bot.emergency', { provinceLine: provinceLine(en) }), expect.stringContaining(en('fixes.follow_up.offer'))]);
    const [c] = await casesOf(child);
    expect(c).toMatchObject({ priority: 'urgent', severity: 'serious', urgentReasons: ['self_harm'] });
    expect(c!.riskRules!.length).toBeGreaterThan(0);
  });

  it('puts the chat into crisis mode on danger now, calls 113 first, and keeps the next message there', async () => {
    const child = bot.child();
    await child.says('/start');

    const answer = await child.says('bố em đang cầm dao đòi giết mẹ');

    expect(texts(answer)).toEqual([`${vi('crisis_fixes.not_your_fault')} ${vi('crisis_fixes.with_you')}\n${vi('crisis_fixes.first.hit_now')}`, vi('crisis.call_113', { provinceLine: provinceLine(vi) })]);
    expect(buttonsOf(answer[1]).map((b) => b.text)).toEqual([vi('crisis.button_113'), vi('crisis.button_safe')]);
    const contact = await bot.contactOf(child.chatId);
    const stored = await bot.app.store.collection(ConversationModel).findOne({ contactId: contact!._id });
    expect(stored?.crisis).toMatchObject({ call: '113', kind: 'harm' });

    const next = await child.says('em đang trốn trong phòng, em sợ lắm');

    // Hiding told in crisis mode: the line for hiding (stay hidden), the number unchanged.
    expect(texts(next)).toEqual([vi('crisis_fixes.first.hiding'), vi('crisis.call_113', { provinceLine: provinceLine(vi) })]);
    const [c] = await casesOf(child);
    expect(c).toMatchObject({ priority: 'urgent', severity: 'danger_now' });
    expect((await bot.messagesOf(c!._id)).map((m) => m.text)).toEqual(['bố em đang cầm dao đòi giết mẹ', 'em đang trốn trong phòng, em sợ lắm']);
    expect((await bot.auditOf(c!._id)).map((e) => e.action)).toContain('case.crisis_update');

    const safe = await child.says('em an toàn rồi');
    expect(texts(safe)).toEqual([`${vi('crisis.safe')}\n\n${vi('crisis_fixes.your_code', { code: c!.code })}`, vi('bot.menu_prompt')]);
  });

  it('in English, calls 115 first after an overdose, with words for suicidal thoughts', async () => {
    const child = await englishChild();

    const answer = await child.says('i just took a whole bottle of pills');

    expect(texts(answer)).toEqual([`${en('crisis_fixes.self_harm_open')} ${en('crisis_fixes.with_you')}\n${en('crisis_fixes.first.self_harm')}`, en('crisis.call_115', { provinceLine: provinceLine(en) })]);
    const next = await child.says('i feel sleepy');
    expect(texts(next)[0]).toBe(en('crisis.still_here'));
  });

  it('makes bullying with "not in danger now" high priority, not urgent', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));
    await child.presses(vi('bot.opt.danger.no'));

    const answer = await child.says('mấy bạn trong lớp hay chặn đường đòi tiền và giấu cặp của em');

    expect(texts(answer)[0]).toBe(vi('risk.concern'));
    const [c] = await casesOf(child);
    expect(c).toMatchObject({ priority: 'high', severity: 'concern', urgentReasons: ['bullying'] });
    expect((await bot.auditOf(c!._id)).map((e) => e.action)).not.toContain('case.urgent_alert');
  });

  it('makes the report urgent when "sexual abuse" is chosen as the harm type', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));
    await child.presses(vi('bot.opt.danger.no'));
    await skipUntil(child, vi('bot.q.harm'));

    await child.presses(vi('bot.opt.harm.sexual_abuse'));

    const [c] = await casesOf(child);
    expect(c).toMatchObject({ priority: 'urgent', severity: 'serious', harmType: 'sexual_abuse' });
    expect(c!.urgentReasons).toContain('sexual_abuse');
    expect((await bot.auditOf(c!._id)).map((e) => e.action)).toContain('case.urgent_alert');
  });

  it('lowers danger now to serious, never below, when the child then answers "not in danger now"', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));
    await child.says('cứu em với, chú ấy đang đánh em');
    await child.says('em an toàn rồi');

    await child.presses(vi('bot.opt.danger.no'));

    const [c] = await casesOf(child);
    expect(c).toMatchObject({ priority: 'urgent', severity: 'serious' });
  });

  it.each([['cứu'], ['cuu']])('answers %j alone with the emergency numbers, not small talk', async (word) => {
    const child = bot.child();
    await child.says('/start');

    const answer = await child.says(word);

    expect(texts(answer)).toContain(vi('bot.emergency', { provinceLine: provinceLine(vi) }));
    expect(texts(answer).join('\n')).not.toContain(vi('bot.menu_prompt'));
  });

  it('answers "sợ" alone in one short message, asking what is wrong, with 111, not small talk', async () => {
    const child = bot.child();
    await child.says('/start');

    const answer = await child.says('sợ');

    expect(texts(answer)[0]).toBe(`${vi('risk.distress')}\n${vi('convo_fixes.call_111')}`);
    expect(texts(answer).join('\n')).not.toContain(vi('bot.menu_prompt'));
  });
});
