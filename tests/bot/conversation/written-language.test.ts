import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../../locales/i18n.js';
import { buttonsOf, PROVINCE_HOTLINE, TelegramHarness, texts } from '../../helpers/telegram-child.js';

const vi = tr('vi');
const en = tr('en');
const emergencyIn = (t: typeof vi) => t('bot.emergency', { provinceLine: t('bot.province_line', { number: PROVINCE_HOTLINE }) });
const greetingIn = (t: typeof vi) => t('bot.greeting', { provinceLine: t('bot.province_line', { number: PROVINCE_HOTLINE }) });

/**
 * A child is answered in the language they write until they choose one: Telegram tells the bot
 * nothing of it (and a phone's language would not say what the child reads best).
 */
describe('The language a child writes in (Telegram)', () => {
  let bot: TelegramHarness;

  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  it('answers danger written in English with the help and the emergency numbers in English', async () => {
    const child = bot.child();

    const answer = texts(await child.says('my dad hits me every night'));

    expect(answer).toContain(emergencyIn(en));
    expect(answer).not.toContain(emergencyIn(vi));
    expect(answer.some((t) => t === en('bot.urgent_detected') || t === en('bot.urgent_detected_alerted'))).toBe(true);
    expect(answer[0]).toBe(en('channels_fixes.lang_from_text'));
    expect((await bot.contactOf(child.chatId))!.lang).toBe('en');
  });

  it('greets a first message in English in English, saying how to switch to Vietnamese', async () => {
    const child = bot.child();

    const answer = texts(await child.says('hello, can you help me?'));

    expect(answer).toContain(greetingIn(en));
    expect(answer.join('\n')).toContain('tiếng Việt');
  });

  it('keeps Vietnamese for a child writing Vietnamese, with or without the marks', async () => {
    const child = bot.child();

    expect(texts(await child.says('bo em danh em hoai'))).toContain(emergencyIn(vi));
    expect(texts(await child.says('em sợ lắm, em không muốn về nhà'))).not.toContain(en('channels_fixes.lang_from_text'));
    expect((await bot.contactOf(child.chatId))!.lang).toBe('vi');
  });

  it('keeps the language a child chose, whatever they write next', async () => {
    const child = bot.child();
    await child.says('xin chào');
    await child.says('English');

    const answer = texts(await child.says('bố em đánh em mỗi tối'));

    expect(answer).toContain(emergencyIn(en));
    expect((await bot.contactOf(child.chatId))!.lang).toBe('en');
  });

  it.each([['hi'], ['help!'], ['Hello'], ['help me please']])('answers a lone English greeting or call for help (%j) in English', async (words) => {
    const child = bot.child();

    const answer = texts(await child.says(words));

    expect(answer[0]).toBe(en('channels_fixes.lang_from_text'));
    expect(answer).not.toContain(greetingIn(vi));
    expect(answer.some((t) => t === greetingIn(en) || t === en('bot.help'))).toBe(true);
    expect((await bot.contactOf(child.chatId))!.lang).toBe('en');
  });

  it('keeps in Vietnamese a child who wrote Vietnamese with its marks, when they then write English words', async () => {
    const child = bot.child();
    expect(texts(await child.says('bố em đánh em'))).toContain(emergencyIn(vi));

    for (const words of ['help me please', 'my dad hits me every night, i am so scared']) {
      expect(texts(await child.says(words))).not.toContain(en('channels_fixes.lang_from_text'));
    }
    expect((await bot.contactOf(child.chatId))!.lang).toBe('vi');
  });

  it('keeps Vietnamese for mostly English words with Vietnamese in them, even with the marks typed apart', async () => {
    for (const words of ['my teacher hits me every day ở trường', 'help me please, bố em say rượu rồi đánh em'.normalize('NFD')]) {
      const child = bot.child();
      expect(texts(await child.says(words))).not.toContain(en('channels_fixes.lang_from_text'));
      expect((await bot.contactOf(child.chatId))!.lang).toBe('vi');
    }
  });

  it('keeps English for a child who names a Vietnamese place, in a sentence or as the answer to the province question', async () => {
    const child = bot.child();
    expect(texts(await child.says('I live in Hà Nội and my dad hits me every night'))).toContain(emergencyIn(en));
    await child.presses(en('fixes.follow_up.answer'));
    for (let i = 0; i < 10 && child.received.at(-1)?.text !== en('bot.q.province'); i++) {
      const labels = buttonsOf(child.lastKeyboard).map((b) => b.text);
      await child.presses(labels.includes(en('bot.opt.danger.no')) ? en('bot.opt.danger.no') : en('bot.button.skip'));
    }
    expect(child.received.at(-1)?.text).toBe(en('bot.q.province'));

    expect(texts(await child.says('Hà Nội'))).not.toContain(vi('channels_fixes.lang_from_text'));
    expect((await bot.contactOf(child.chatId))!.lang).toBe('en');
  });
});

/** Whatever a contact's first message is, the answer includes the greeting: anonymity and 111. */
describe('The greeting for every first message (Telegram)', () => {
  let bot: TelegramHarness;

  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  it('greets a first sticker, then thanks for it and shows the menu', async () => {
    const answer = texts(await bot.child().sends((api, chatId) => api.userSendsSticker(chatId)));

    expect(answer).toEqual([vi('bot.sticker_thanks'), greetingIn(vi), vi('bot.menu_prompt')]);
  });

  it('greets a first message of danger words after the numbers, before the offer to tell more', async () => {
    const answer = texts(await bot.child().says('bố em đánh em chảy máu'));

    expect(answer.slice(0, 2)).toEqual([vi('bot.urgent_detected'), emergencyIn(vi)]);
    expect(answer.slice(2)).toEqual([greetingIn(vi), expect.stringContaining(vi('fixes.follow_up.offer'))]);
  });

  it('greets once, and not again on the next message', async () => {
    const child = bot.child();
    await child.says('chào');

    const next = texts(await child.sends((api, chatId) => api.userSendsSticker(chatId)));

    expect(next).not.toContain(greetingIn(vi));
  });
});
