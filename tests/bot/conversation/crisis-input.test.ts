/**
 * What a child types in crisis mode, over the local fake Telegram and Zalo Bot APIs (as a
 * black-box walk-through found it): a bare digit never ends crisis mode, "chưa" gets the next
 * step and "rồi" answering "Em đã ở chỗ an toàn chưa?" is safe, a child who cannot call is told who can call for them, "I am safe"
 * shows in the case's trail, and "113" / "115" typed anywhere answer with how to call them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditView } from '../../../backoffice/cases/case-view.js';
import { tr } from '../../../locales/i18n.js';
import { AuditEventModel, CaseModel, ContactModel, type Case } from '../../../models/index.js';
import type { App } from '../../../app/app.js';
import { buttonsOf, TelegramHarness, texts } from '../../helpers/telegram-child.js';
import { ZaloHarness, type ZaloChild } from '../../helpers/zalo-child.js';

const vi = tr('vi');
const LOCKED_IN = 'mẹ kế nhốt em trong nhà vệ sinh';
const SAFE_LINE = `– ${vi('crisis.button_safe')} (${vi('crisis_input.safe_typed')})`;

async function onlyCaseOf(app: App, channel: 'telegram' | 'zalo', chatId: string): Promise<Case> {
  const contact = await app.store.collection(ContactModel).findOne({ channel, pseudonym: app.cipher.pseudonym(channel, chatId) });
  const cases = await app.store.collection(CaseModel).find({ contactId: contact!._id });
  expect(cases).toHaveLength(1);
  return cases[0]!;
}

/** The case's trail as staff read it on the case page. */
async function trailOf(app: App, c: Case): Promise<string[]> {
  const events = await app.store.collection(AuditEventModel).find({ caseId: c._id });
  return events.map((e) => auditView(e, {}, vi)).map((v) => `${v.action} ${v.details}`);
}

describe('Crisis mode on Telegram', () => {
  let bot: TelegramHarness;
  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  it('does not end crisis mode when the child types "1": it tells them how to dial and keeps the buttons', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.says(LOCKED_IN);

    const answer = await child.says('1');

    expect(texts(answer).join('\n')).not.toContain(vi('crisis.safe'));
    expect(texts(answer)[0]).toBe(vi('crisis_input.digits', { number: '113' }));
    expect(buttonsOf(answer.at(-1)).map((b) => b.text)).toEqual([vi('crisis.button_113'), vi('crisis.button_safe')]);
    // Still in crisis mode: the next words are an update for staff, answered with the question.
    expect(texts(await child.says('em sợ lắm'))[0]).toBe(vi('crisis.still_here'));
  });

  it('ends crisis mode on the "I am safe" button, and the case trail says the child chose it', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.says(LOCKED_IN);
    const c = await onlyCaseOf(bot.app, 'telegram', String(child.chatId));

    const answer = texts(await child.presses(vi('crisis.button_safe')));

    expect(answer[0]).toBe(`${vi('crisis.safe')}\n\n${vi('crisis_fixes.your_code', { code: c.code })}`);
    expect(await trailOf(bot.app, c)).toContain(`${vi('admin.audit.actions.case.crisis_safe')} ${vi('admin.audit.detail.safe_option')}`);
  });

  it.each(['113', '115'])('answers %j typed outside crisis mode with how to call that number, not as words for a case', async (number) => {
    const child = bot.child();
    await child.says('/start');

    const answer = texts(await child.says(number));

    expect(answer[0]).toBe(vi('crisis_fixes.how_to_call', { number }));
    expect(answer.join('\n')).not.toContain(vi('bot.appended', { code: '' }).slice(0, 20));
    const contact = await bot.app.store.collection(ContactModel).findOne({ channel: 'telegram', pseudonym: bot.app.cipher.pseudonym('telegram', String(child.chatId)) });
    expect(await bot.app.store.collection(CaseModel).find({ contactId: contact!._id })).toHaveLength(0);
  });

  it('answers "gọi 115", a cry for help that begins crisis mode, with how to call 115 too', async () => {
    const child = bot.child();
    await child.says('/start');

    const answer = await child.says('gọi 115');

    expect(texts(answer)).toContain(vi('crisis_fixes.how_to_call', { number: '115' }));
    expect(buttonsOf(answer.at(-1)).map((b) => b.text)).toContain(vi('crisis.button_safe'));
  });
});

describe('Crisis mode on Zalo', () => {
  let bot: ZaloHarness;
  beforeAll(async () => {
    bot = await ZaloHarness.start({ webhook: true });
  });
  afterAll(() => bot?.close());

  const inCrisis = async (): Promise<[ZaloChild, string[]]> => {
    const child = bot.child();
    await child.says('chào');
    return [child, await child.says(LOCKED_IN)];
  };

  it('shows "I am safe" as words to type, never as a number, beside the call option keyed 113', async () => {
    const [, answer] = await inCrisis();

    const options = answer.at(-1)!.split('\n\n').at(-1)!.split('\n');

    expect(options).toEqual([`113. ${vi('crisis.button_113')}`, SAFE_LINE]);
  });

  it('stays in crisis mode when a child who answered "1. Có, đang nguy hiểm" types "1" again, or "11"', async () => {
    const child = bot.child();
    await child.says('chào');
    await child.says('báo bạo lực');
    const danger = await child.says('1');
    expect(danger.join('\n')).toContain(SAFE_LINE);

    for (const typed of ['1', '11']) {
      const answer = (await child.says(typed)).join('\n');
      expect(answer).not.toContain(vi('crisis.safe'));
      expect(answer).toContain(vi('crisis_input.digits', { number: '111' }));
    }
    expect((await child.says('an toàn')).join('\n')).toContain(vi('crisis.safe'));
  });

  it('answers "chưa" with the next step and the numbers, not with the question again', async () => {
    for (const notYet of ['chưa', 'chua a', 'em chưa an toàn']) {
      const [child] = await inCrisis();

      const answer = await child.says(notYet);

      expect(answer[0]).toBe(vi('crisis_input.not_yet'));
      expect(answer[0]).not.toContain(vi('crisis.still_here'));
      expect(answer.at(-1)).toMatch(/113[\s\S]*111/);
    }
  });

  it.each([
    ['an toàn', false],
    ["I'm safe", false],
    ['rồi', true],
    ['r', true],
    ['dạ rồi ạ', true],
  ])('takes %j as safe (a bare "rồi" as the answer to "Em đã ở chỗ an toàn chưa?"): the glad word, the code, and the trail says the child wrote it', async (words, afterTheQuestion) => {
    const [child] = await inCrisis();
    const c = await onlyCaseOf(bot.app, 'zalo', child.chatId);
    if (afterTheQuestion) expect((await child.says('alo'))[0]).toBe(vi('crisis.still_here'));

    const answer = (await child.says(words)).join('\n');

    expect(answer).toContain(vi('crisis.safe'));
    expect(answer).toContain(vi('crisis_fixes.your_code', { code: c.code }));
    expect(await trailOf(bot.app, c)).toContain(`${vi('admin.audit.actions.case.crisis_safe')} ${vi('admin.audit.detail.safe_words')}`);
  });

  it.each(['em k goi dc, bo lay dt cua em', 'ko gọi được', 'em không có điện thoại'])('tells a child who writes %j to ask a neighbour or an adult nearby to call', async (words) => {
    const [child] = await inCrisis();
    const alerted = (await bot.app.cases.staffReach()).length > 0;

    const answer = await child.says(words);

    expect(answer[0]).toBe(`${vi('crisis_input.cannot_call')}\n${vi(alerted ? 'crisis_input.passed_on_alerted' : 'crisis_input.passed_on')}`);
    expect(answer[0]).toMatch(/hàng xóm/);
    expect(answer.join('\n')).not.toContain(vi('crisis.safe'));
  });

  it('answers "113" and "115" typed after crisis mode, with a case open, with how to call them, and "111" with the numbers as before', async () => {
    const [child] = await inCrisis();
    await child.says('em an toàn rồi');
    const c = await onlyCaseOf(bot.app, 'zalo', child.chatId);

    for (const number of ['113', '115']) {
      const answer = await child.says(number);
      expect(answer[0]).toBe(vi('crisis_fixes.how_to_call', { number }));
      expect(answer.join('\n')).not.toContain(vi('bot.appended', { code: c.code }));
    }
    expect((await child.says('111'))[0]).not.toContain(vi('crisis_fixes.how_to_call', { number: '111' }));
  });
});
