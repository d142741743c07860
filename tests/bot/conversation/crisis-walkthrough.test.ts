/**
 * The crisis path as a black-box walk-through found it, over the local fake Telegram and Zalo
 * Bot APIs: advice that fits a child who is locked in, the case classified, the case code when
 * the child is safe on every channel, one voice ("mình"), "not your fault" only after the child
 * told something, every call option with its number on Zalo and a useful answer when pressed,
 * and a typed number read only against the options on screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChildReplies } from '../../../cases/child-reply.js';
import { tr } from '../../../locales/i18n.js';
import { CaseModel, ContactModel, MessageModel, type Case } from '../../../models/index.js';
import type { App } from '../../../app/app.js';
import { buttonsOf, CASE_CODE, eventually, TelegramHarness, texts } from '../../helpers/telegram-child.js';
import { ZaloHarness, type ZaloChild } from '../../helpers/zalo-child.js';

const vi = tr('vi');
const LOCKED_IN = 'mẹ kế em hay nhốt em trong nhà vệ sinh';
/** The bot speaking of itself as "anh chị" (the counsellors are "anh chị tư vấn"). */
const BOT_AS_ANH_CHI = /(?<!\p{L})anh chị(?! tư vấn)(?!\p{L})/iu;

async function onlyCaseOf(app: App, channel: 'telegram' | 'zalo', chatId: string): Promise<Case> {
  const contact = await app.store.collection(ContactModel).findOne({ channel, pseudonym: app.cipher.pseudonym(channel, chatId) });
  const cases = await app.store.collection(CaseModel).find({ contactId: contact!._id });
  expect(cases).toHaveLength(1);
  return cases[0]!;
}

describe('The crisis path on Telegram', () => {
  let bot: TelegramHarness;
  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  it('tells a child locked in by a step-mother what fits being locked in, and files the case as violence', async () => {
    const child = bot.child();
    await child.says('/start');

    const answer = texts(await child.says(LOCKED_IN));

    expect(answer[0]).toContain(vi('crisis_fixes.first.locked_in'));
    expect(answer[0]).toContain(vi('crisis_fixes.not_your_fault'));
    expect(answer.join('\n')).not.toMatch(/khóa cửa lại|ra chỗ có người lớn/);
    expect(answer[1]).toContain('113');
    const c = await onlyCaseOf(bot.app, 'telegram', String(child.chatId));
    expect(c).toMatchObject({ priority: 'urgent', severity: 'danger_now', harmType: 'violence' });
    expect(c.urgentReasons).toEqual(expect.arrayContaining(['danger_now', 'violence']));
  });

  it('says nothing of fault after a lone press of "in danger now", and answers the call button with 111 and what to say', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));

    const answer = await child.presses(vi('bot.opt.danger.yes'));

    expect(texts(answer).join('\n')).not.toContain(vi('crisis_fixes.not_your_fault'));
    // A tel: link cannot be an inline button: the number is in the text, where Telegram makes it tappable.
    expect(answer.at(-1)!.text).toMatch(/(?<!\d)111(?!\d)/);
    const call = buttonsOf(answer.at(-1)).find((b) => b.text === vi('crisis.button_111'));
    expect(call).toBeDefined();

    const pressed = await child.presses(vi('crisis.button_111'));

    expect(texts(pressed)[0]).toBe(vi('crisis_fixes.how_to_call', { number: '111' }));
    expect(buttonsOf(pressed.at(-1)).map((b) => b.text)).toEqual([vi('crisis.button_111'), vi('crisis.button_safe')]);
  });

  it('answers "I am safe" pressed after a counsellor answered with the glad word and the code, not small talk', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.says(LOCKED_IN);
    const c = await onlyCaseOf(bot.app, 'telegram', String(child.chatId));
    const before = child.received.length;
    await new ChildReplies(bot.app.store, bot.app.outbox, bot.app.cases, bot.app.logger).send('staff-test', c, 'Em ơi, em đang ở đâu?', 'reply');
    await eventually(() => child.received.length > before, 10_000, () => 'the counsellor\'s answer did not reach the chat');

    const answer = texts(await child.presses(vi('crisis.button_safe')));

    expect(answer[0]).toBe(`${vi('crisis.safe')}\n\n${vi('crisis_fixes.your_code', { code: c.code })}`);
    expect(answer.join('\n')).not.toContain(vi('bot.chatter'));
  });

  it('offers the help as buttons on Telegram, each doing what it says', async () => {
    const child = bot.child();
    await child.says('/start');

    const help = await child.says('trợ giúp');

    expect(help[0]!.text).toBe(vi('bot.help'));
    expect(buttonsOf(help[0]).map((b) => b.text)).toEqual(['menu', 'emergency', 'steps', 'check', 'restart', 'lang', 'forget'].map((c) => vi(`crisis_fixes.help.${c}`)));
    // Pressed on the help message (the menu after it has its own buttons).
    const check = buttonsOf(help[0]).find((b) => b.text === vi('crisis_fixes.help.check'))!;
    expect(texts(await child.sends((api, chatId) => api.userPressesButton(chatId, check.callback_data!)))[0]).toBe(vi('bot.check_prompt'));
  });

  it('gives the case code when the child says they are safe', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.says(LOCKED_IN);

    const safe = texts(await child.says('em an toàn rồi'));

    const c = await onlyCaseOf(bot.app, 'telegram', String(child.chatId));
    expect(safe[0]).toContain(c.code);
  });
});

describe('The crisis path on Zalo', () => {
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

  it.each([
    ['bố em đang say rượu đập phá, em trốn trong tủ, em sợ lắm', 'hiding'],
    ['bố em đang đánh em', 'hit_now'],
    ['có người lạ đang đi theo em', 'followed'],
    ['có người đang kéo em lên xe', 'taken'],
  ])('fits the first line to %j (%s)', async (words, situation) => {
    const child = bot.child();
    await child.says('chào');

    const answer = await child.says(words);

    expect(answer[0]).toContain(vi(`crisis_fixes.first.${situation}`));
  });

  it('gives the case code after "em an toàn rồi", as on Telegram', async () => {
    const [child] = await inCrisis();

    const safe = (await child.says('em an toàn rồi')).join('\n');

    const c = await onlyCaseOf(bot.app, 'zalo', child.chatId);
    expect(safe).toContain(vi('crisis.safe'));
    expect(safe).toContain(vi('crisis_fixes.your_code', { code: c.code }));
  });

  it('gives the case code when the child leaves crisis mode for the menu', async () => {
    const [child] = await inCrisis();

    const menu = (await child.says('menu')).join('\n');

    const c = await onlyCaseOf(bot.app, 'zalo', child.chatId);
    expect(menu).toContain(c.code);
  });

  it('shows every crisis option with a number to type, the call option with its phone number, and answers it with how to call', async () => {
    const [child, answer] = await inCrisis();

    const options = answer.at(-1)!.split('\n\n').at(-1)!.split('\n');
    expect(options).toEqual([`113. ${vi('crisis.button_113')}`, `– ${vi('crisis.button_safe')} (${vi('crisis_input.safe_typed')})`]);
    expect(answer.at(-1)).toMatch(/111[\s\S]*115|115[\s\S]*111/);

    const how = await child.says('113');

    expect(how[0]).toBe(vi('crisis_fixes.how_to_call', { number: '113' }));
    expect((await child.says('gọi 115'))[0]).toBe(vi('crisis_fixes.how_to_call', { number: '115' }));
  });

  it.each([
    ['em vừa uống hết vỉ thuốc ngủ', '115'],
    ['cứu em với', '111'],
  ])('shows the call option of %j with its number, %s, to type', async (words, number) => {
    const child = bot.child();
    await child.says('chào');

    const answer = await child.says(words);

    const options = answer.at(-1)!.split('\n\n').at(-1)!.split('\n');
    expect(options).toEqual([`${number}. ${vi(`crisis.button_${number}`)}`, `– ${vi('crisis.button_safe')} (${vi('crisis_input.safe_typed')})`]);
    expect((await child.says(number))[0]).toBe(vi('crisis_fixes.how_to_call', { number }));
  });

  it('says in the help what to type on Zalo, where nothing can be pressed', async () => {
    const child = bot.child();
    await child.says('chào');

    const help = (await child.says('trợ giúp'))[0]!;

    expect(help).not.toMatch(/bấm|gõ hoặc/i);
    for (const command of ['menu', 'emergency', 'steps', 'check', 'restart', 'lang', 'forget']) {
      expect(help).toContain(`– ${vi(`crisis_fixes.help.${command}`)} (${vi(`crisis_fixes.help_typed.${command}`)})`);
    }
    expect(await child.says('quên tôi')).toContain(vi('bot.forget_confirm') + '\n\n' + `1. ${vi('bot.button.yes_forget')}\n2. ${vi('bot.button.no_keep')}\n0. ${vi('bot.button.menu')}\n111. ${vi('bot.button.sos')}`);
  });

  it('gives the case code at once when risk words open a case outside crisis mode, before the offer to tell more', async () => {
    const child = bot.child();
    await child.says('chào');

    const answer = await child.says('hôm qua bố em đánh em chảy máu');

    const c = await onlyCaseOf(bot.app, 'zalo', child.chatId);
    expect(answer.at(-1)).toContain(`${vi('crisis_fixes.your_code', { code: c.code })}\n\n${vi('fixes.follow_up.offer')}`);
  });

  it('speaks as "mình" in every crisis line, never as "anh chị"', async () => {
    const [child, answer] = await inCrisis();
    const lines = [...answer.slice(-2), ...(await child.says('em sợ lắm')), ...(await child.says('em an toàn rồi'))];

    for (const line of lines) expect(line).not.toMatch(BOT_AS_ANH_CHI);
    expect(lines.join('\n')).toMatch(/Mình/);
  });

  it('reads "1" typed just after a counsellor answered as words for the counsellor, not as "I am safe"', async () => {
    const [child] = await inCrisis();
    const c = await onlyCaseOf(bot.app, 'zalo', child.chatId);
    const before = child.received.length;
    await new ChildReplies(bot.app.store, bot.app.outbox, bot.app.cases, bot.app.logger).send('staff-test', c, 'Em ơi, em đang ở đâu?', 'reply');
    await eventually(() => child.received.length > before, 10_000, () => 'the counsellor\'s answer did not reach the chat');

    // Crisis mode ends with the counsellor's answer, which carries the case code.
    expect(CASE_CODE.test(child.received.slice(before).map((m) => m.text).join('\n'))).toBe(true);

    const answer = (await child.says('1')).join('\n');

    expect(answer).not.toContain(vi('crisis.safe'));
    expect(answer).toContain(vi('bot.appended'));
    const words = await bot.app.store.collection(MessageModel).find({ caseId: c._id, author: 'child' }, { sort: { seq: 1 } });
    expect(words.map((m) => m.text).at(-1)).toBe('1');
  });
});
