import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../../locales/i18n.js';
import type { SentMessage } from '../../fakes/fake-bot-api.js';
import { CASE_CODE, caseCodeIn, TelegramHarness, texts, RECEIPT_ANYWHERE } from '../../helpers/telegram-child.js';

const vi = tr('vi');
const PHONE = '0912 345 678';
const STORY = 'Bạn ấy hay bị phạt đứng ngoài lớp cả buổi';
const MORE = 'Thầy giáo còn bắt bạn ấy dọn nhà vệ sinh một mình';

describe('Reporting violence or abuse (Telegram)', () => {
  let bot: TelegramHarness;

  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  describe('a whole report, answered with the buttons', () => {
    let chatId: number;
    let receipt: SentMessage[];

    beforeAll(async () => {
      const child = bot.child();
      chatId = child.chatId;
      await child.says('/start');
      expect(texts(await child.presses(vi('bot.menu.report')))).toEqual([vi('bot.q.danger')]);
      expect(texts(await child.presses(vi('bot.opt.danger.no')))).toEqual([vi('bot.q.about')]);
      // A child telling about a friend is the reporter: no "who are you?" (an adult has a button of their own).
      expect(texts(await child.presses(vi('bot.opt.about.other_child')))).toEqual([vi('bot.q.age_other')]);
      expect(texts(await child.presses(vi('bot.opt.age.11_13')))).toEqual([vi('bot.q.gender_other')]);
      expect(texts(await child.presses(vi('bot.opt.gender.girl')))).toEqual([vi('bot.q.province')]);
      expect(texts(await child.presses('Hà Nội'))).toEqual([vi('bot.q.commune')]);
      expect(texts(await child.says('Phường Ba Đình'))).toEqual([vi('bot.q.harm')]);
      expect(texts(await child.presses(vi('bot.opt.harm.violence')))).toEqual([vi('bot.q.story_report')]);
      expect(texts(await child.says(STORY))).toEqual([vi('bot.q.story_more')]);
      expect(texts(await child.says(MORE))).toEqual([vi('bot.q.story_more')]);
      expect(texts(await child.presses(vi('bot.button.done')))).toEqual([vi('bot.q.media')]);
      expect(texts(await child.sendsPhoto())).toEqual([vi('bot.q.media_more')]);
      expect(texts(await child.presses(vi('bot.button.done')))).toEqual([vi('bot.q.contact')]);
      expect(texts(await child.presses(vi('bot.opt.contact.phone')))).toEqual([vi('bot.q.contact_details')]);
      receipt = await child.says(PHONE);
    });

    it('ends with a receipt that gives the case code and what happens next, then the menu', async () => {
      const code = caseCodeIn(receipt);
      expect(code).toMatch(CASE_CODE);
      expect(texts(receipt)).toEqual([vi('bot.receipt', { anywhere: RECEIPT_ANYWHERE, code, next: vi('bot.receipt_next.report') }), vi('bot.menu_prompt')]);
      expect(receipt[0]?.text).toContain('111');
    });

    it('stores a report case with every answer', async () => {
      const stored = await bot.caseByCode(caseCodeIn(receipt));
      expect(stored).toMatchObject({
        kind: 'report',
        status: 'new',
        priority: 'normal',
        channel: 'telegram',
        dangerNow: false,
        about: 'other_child',
        reporterRole: 'child',
        ageBand: '11_13',
        gender: 'girl',
        area: { province: 'Hà Nội', commune: 'Phường Ba Đình' },
        harmType: 'violence',
        contactWish: 'phone',
      });
      expect(stored.firstResponseDueAt).toBeInstanceOf(Date);
    });

    it('keeps the story as the case messages, with the photo as evidence', async () => {
      const stored = await bot.caseByCode(caseCodeIn(receipt));
      const messages = await bot.messagesOf(stored._id);
      expect(messages.map((m) => [m.author, m.text])).toEqual([
        ['child', STORY],
        ['child', MORE],
      ]);
      const files = messages.flatMap((m) => m.attachments);
      expect(files).toHaveLength(1);
      // Telegram sends several sizes of one photo: the largest is the evidence kept.
      expect(files[0]).toMatchObject({ kind: 'photo', ref: expect.stringContaining('-large-') });
    });

    it('stores the phone number sealed, readable only with the data key', async () => {
      const stored = await bot.caseByCode(caseCodeIn(receipt));
      expect(stored.contactDetailsEnc).toMatch(/^v1\./);
      expect(bot.app.cipher.decrypt(stored.contactDetailsEnc!)).toBe(PHONE.replaceAll(' ', ''));
    });

    it('keeps the phone number, the chat id and the name Telegram sent out of the store in clear', async () => {
      const dump = await bot.storeDump();
      for (const secret of [PHONE, PHONE.replaceAll(' ', ''), String(chatId), 'lan_2011', 'Nguyễn']) expect(dump).not.toContain(secret);
    });

    it('leaves no clear phone number in the data files once the app has stopped', async () => {
      await bot.restartApp();
      // The database file and, while the restarted app runs, its write-ahead log.
      const files = fs.readdirSync(bot.dataDir).map((f) => path.join(bot.dataDir, f)).filter((f) => fs.statSync(f).isFile());
      expect(files.some((f) => f.endsWith('.sqlite'))).toBe(true);
      for (const file of files) {
        const content = fs.readFileSync(file, 'utf8');
        expect(content, file).not.toContain(PHONE);
        expect(content, file).not.toContain(String(chatId));
      }
    });

    it('records the new case in the audit log, without the child\'s words', async () => {
      const stored = await bot.caseByCode(caseCodeIn(receipt));
      const audit = await bot.auditOf(stored._id);
      expect(audit.map((e) => e.action)).toContain('case.created');
      expect(JSON.stringify(audit)).not.toContain(STORY);
    });
  });

  describe('skipping every question', () => {
    it.each(['report', 'opinion', 'advice'] as const)('still gives a %s a receipt and a case with nothing filled in', async (kind) => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi(`bot.menu.${kind}`));

      const seen = await child.skipsToTheEnd();

      const code = caseCodeIn(seen);
      expect(seen.at(-2)?.text).toBe(vi('bot.receipt', { anywhere: RECEIPT_ANYWHERE, code, next: vi(`bot.receipt_next.${kind}`) }));
      expect(seen.at(-1)?.text).toBe(vi('bot.menu_prompt'));
      const stored = await bot.caseByCode(code);
      expect(stored).toMatchObject({ kind, priority: 'normal', about: null, ageBand: null, gender: null, topic: null, harmType: null, adviceArea: null, contactWish: null, contactDetailsEnc: null });
      expect(await bot.messagesOf(stored._id)).toEqual([]);
    });

    it('asks every report question once on the way, and never the role of a child telling about themself', async () => {
      const child = bot.child();
      await child.says('/start');
      const first = await child.presses(vi('bot.menu.report'));

      const seen = await child.skipsToTheEnd();

      expect(texts([...first, ...seen]).slice(0, -2)).toEqual([
        vi('bot.q.danger'),
        vi('bot.q.about'),
        vi('bot.q.age_self'),
        vi('bot.q.gender_self'),
        vi('bot.q.province'),
        // No commune once the province is skipped.
        vi('bot.q.harm'),
        vi('bot.q.story_report'),
        vi('bot.q.media'),
        vi('bot.q.contact'),
      ]);
    });
  });

  describe('typed answers instead of buttons', () => {
    it('understands words, "12 tuổi" and a province typed without diacritics (Telegram shows buttons, not numbers to type)', async () => {
      const child = bot.child();
      await child.says('/start');

      expect(texts(await child.says('báo cáo'))).toEqual([vi('bot.q.danger')]);
      expect(texts(await child.says('không'))).toEqual([vi('bot.q.about')]);
      expect(texts(await child.says('với em'))).toEqual([vi('bot.q.age_self')]);
      expect(texts(await child.says('12 tuổi'))).toEqual([vi('bot.q.gender_self')]);
      expect(texts(await child.says('nữ'))).toEqual([vi('bot.q.province')]);
      expect(texts(await child.says('ha noi'))).toEqual([vi('bot.q.commune')]);
      expect(texts(await child.says('Phường Hoàn Kiếm'))).toEqual([vi('bot.q.harm')]);
      expect(texts(await child.presses(vi('bot.opt.harm.bullying')))).toEqual([vi('bot.q.story_report')]);
      expect(texts(await child.says(STORY))).toEqual([vi('bot.q.story_more')]);
      expect(texts(await child.says('xong'))).toEqual([vi('bot.q.media')]);
      expect(texts(await child.says('bỏ qua'))).toEqual([vi('bot.q.contact')]);
      const receipt = await child.says('chỉ nhắn tin');

      const stored = await bot.caseByCode(caseCodeIn(receipt));
      expect(stored).toMatchObject({
        kind: 'report',
        dangerNow: false,
        about: 'self',
        reporterRole: 'child',
        ageBand: '11_13',
        gender: 'girl',
        area: { province: 'Hà Nội', commune: 'Phường Hoàn Kiếm' },
        harmType: 'bullying',
        contactWish: 'chat',
      });
    });

    it('takes "không có ạ" at the photos question as nothing to send, never as something received', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.report'));
      await child.presses(vi('bot.opt.danger.no'));
      for (let i = 0; i < 5; i++) await child.presses(vi('bot.button.skip'));
      await child.says(STORY);
      expect(texts(await child.says('xong'))).toEqual([vi('bot.q.media')]);

      expect(texts(await child.says('không có ạ'))).toEqual([vi('bot.q.contact')]);
    });

    it('starts a report when the child types "báo cáo" at the menu', async () => {
      const child = bot.child();
      await child.says('/start');

      expect(texts(await child.says('báo cáo'))).toEqual([vi('bot.q.danger')]);
    });

    it('says it did not understand a word that answers nothing, and asks again', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.report'));
      await child.presses(vi('bot.opt.danger.no'));
      await child.presses(vi('bot.opt.about.self'));

      expect(texts(await child.says('abc'))).toEqual([vi('bot.age_not_understood'), vi('bot.q.age_self')]);
      expect(texts(await child.says('99'))).toEqual([vi('bot.q.gender_self')]);
    });

    it('keeps a sentence typed instead of an answer, and asks the question again', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.report'));
      await child.presses(vi('bot.opt.danger.no'));

      expect(texts(await child.says('Chuyện này kéo dài từ đầu năm học'))).toEqual([vi('bot.kept'), vi('bot.q.about')]);
      await child.presses(vi('bot.opt.about.self'));
      const seen = await child.skipsToTheEnd();

      const stored = await bot.caseByCode(caseCodeIn(seen));
      expect((await bot.messagesOf(stored._id)).map((m) => m.text)).toEqual(['Chuyện này kéo dài từ đầu năm học']);
    });
  });
});
