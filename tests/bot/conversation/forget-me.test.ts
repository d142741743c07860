import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../../locales/i18n.js';
import { ContactModel, ConversationModel, MessageModel, OutboxModel } from '../../../models/index.js';
import { buttonsOf, caseCodeIn, TelegramHarness, texts } from '../../helpers/telegram-child.js';

const vi = tr('vi');
const ANSWER = 'Anh chị đã đọc. Em đã rất dũng cảm.';

describe('Forget me (Telegram)', () => {
  let bot: TelegramHarness;

  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  it('asks to confirm, and keeps everything when the child says no', async () => {
    const child = bot.child();
    await child.says('/start');

    const question = await child.says('/forget');

    expect(texts(question)).toEqual([vi('bot.forget_confirm')]);
    expect(buttonsOf(question[0]).map((b) => b.text)).toEqual(expect.arrayContaining([vi('bot.button.yes_forget'), vi('bot.button.no_keep')]));
    const answer = await child.presses(vi('bot.button.no_keep'));
    expect(texts(answer)).toEqual([`${vi('bot.forget_cancelled')}\n${vi('bot.menu_prompt')}`]);
    expect(await bot.contactOf(child.chatId)).not.toBeNull();
  });

  describe('when the child confirms', () => {
    let chatId: number;
    let code: string;
    let contactId: string;
    let goodbye: string[];

    beforeAll(async () => {
      const child = bot.child();
      chatId = child.chatId;
      await child.says('/start');
      await child.presses(vi('bot.menu.report'));
      code = caseCodeIn(await child.skipsToTheEnd());
      contactId = (await bot.contactOf(chatId))!._id;
      const stored = await bot.caseByCode(code);
      await bot.app.store.collection(MessageModel).insertOne({ caseId: stored._id, author: 'counsellor', text: ANSWER });
      await child.presses(vi('bot.menu.advice')); // half-way through another flow
      await child.says('quên tôi');
      goodbye = texts(await child.presses(vi('bot.button.yes_forget')));
    });

    it('says the conversation is erased', () => {
      expect(goodbye).toEqual([vi('bot.forgotten')]);
    });

    it('no longer knows the chat: no contact found by it, no chat id kept, no conversation state', async () => {
      expect(await bot.contactOf(chatId)).toBeNull();
      const old = await bot.app.store.collection(ContactModel).findOne({ _id: contactId });
      expect(old).toMatchObject({ addressEnc: null, openCaseId: null, pseudonym: expect.stringMatching(/^forgotten:/) });
      expect(old!.forgottenAt).toBeInstanceOf(Date);
      expect(await bot.app.store.collection(ConversationModel).count({ contactId })).toBe(0);
    });

    it('leaves no delivered message in the outbox that ties the chat to the case', async () => {
      const left = await bot.app.store.collection(OutboxModel).find({ channel: 'telegram' });
      expect(left.map((item) => JSON.stringify(item.payload)).join('\n')).not.toContain(code);
    });

    it('keeps the case for the counsellors', async () => {
      const stored = await bot.caseByCode(code);
      expect(stored.kind).toBe('report');
    });

    it('still shows the case and the answer to its code, from a new chat', async () => {
      const answer = await bot.child().says(code);

      expect(answer[0]?.text).toBe(vi('bot.check_status', { code, status: vi('bot.status.new') }));
      expect(answer[1]?.text).toContain(ANSWER);
    });

    it('treats the same chat writing again as someone new', async () => {
      const again = bot.child(chatId);

      const answer = await again.says('chào');

      expect(answer[0]?.text).toContain('111');
      const contact = await bot.contactOf(chatId);
      expect(contact?._id).not.toBe(contactId);
      expect(contact?.openCaseId).toBeNull();
    });
  });
});
