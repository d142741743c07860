/**
 * The number a child in danger reads first, and the first thing to do, as a black-box
 * walk-through found them, over the local fake Telegram Bot API: an injury leads with 115,
 * violence happening now with 113, 111 always shown too; a child hiding is told to stay hidden;
 * bleeding from a beating is not self-harm; and self-harm words said with violence are heard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../../locales/i18n.js';
import { CaseModel, ContactModel, type Case } from '../../../models/index.js';
import { TelegramHarness, texts, type TelegramChild } from '../../helpers/telegram-child.js';

const vi = tr('vi');

describe('The emergency number and first advice fit what the child tells', () => {
  let bot: TelegramHarness;
  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  const caseOf = async (child: TelegramChild): Promise<Case> => {
    const contact = await bot.app.store.collection(ContactModel).findOne({ channel: 'telegram', pseudonym: bot.app.cipher.pseudonym('telegram', String(child.chatId)) });
    const cases = await bot.app.store.collection(CaseModel).find({ contactId: contact!._id });
    expect(cases).toHaveLength(1);
    return cases[0]!;
  };
  const started = async () => {
    const child = bot.child();
    await child.says('/start');
    return child;
  };

  it('leads with 115 for a child beaten until bleeding who then says they are in danger now, 111 and 113 shown too', async () => {
    const child = await started();
    await child.says('bố đánh em chảy máu');
    expect(texts(await child.presses(vi('fixes.follow_up.answer'))).join('\n')).toContain(vi('bot.q.danger'));

    const answer = texts(await child.says('có, đang nguy hiểm')).join('\n');

    expect(answer).toContain(vi('crisis.call_115', { provinceLine: '' }).split('\n')[0]);
    expect(answer).toMatch(/(?<!\d)111(?!\d)/);
    expect(answer).toMatch(/(?<!\d)113(?!\d)/);
    expect(answer).toContain(vi('risk_fixes.first.injured'));
  });

  it('moves the lead number from 113 to 115 when a child in crisis mode writes "em dang chay mau"', async () => {
    const child = await started();
    const first = texts(await child.says('bố đang đánh em')).join('\n');
    expect(first).toContain(vi('crisis.call_113', { provinceLine: '' }).split('\n')[0]);

    const answer = texts(await child.says('em dang chay mau')).join('\n');

    expect(answer).toContain(vi('crisis.call_115', { provinceLine: '' }).split('\n')[0]);
    expect(answer).toContain(vi('risk_fixes.first.injured'));
    expect(answer).toMatch(/(?<!\d)111(?!\d)/);
  });

  it('does not read bleeding from a beating as self-harm', async () => {
    const child = await started();
    await child.says('bị bố đánh chảy máu');

    const answer = texts(await child.says('em bi chay mau nhieu lam')).join('\n');

    expect(answer).not.toContain(vi('crisis_fixes.first.self_harm'));
    expect(answer).toContain(vi('crisis.call_115', { provinceLine: '' }).split('\n')[0]);
    const c = await caseOf(child);
    expect(c.urgentReasons).toContain('violence');
    expect(c.urgentReasons).not.toContain('self_harm');
    expect(c.harmType).toBe('violence');
  });

  it('tells a child hiding in a wardrobe, after a cry for help, to stay hidden, and leads with 113', async () => {
    const child = await started();
    const cry = texts(await child.says('cứu em với')).join('\n');
    expect(cry).toContain(vi('crisis.call_111', { provinceLine: '' }).split('\n')[0]);

    const answer = texts(await child.says('bố đang đánh mẹ, em trốn trong tủ')).join('\n');

    expect(answer).toContain(vi('crisis_fixes.first.hiding'));
    expect(answer).toContain(vi('crisis.call_113', { provinceLine: '' }).split('\n')[0]);
  });

  it('answers a beaten child who does not want to live with the self-harm line too, and keeps both reasons on the case', async () => {
    const child = await started();

    const answer = texts(await child.says('e bi bo duong danh hoai, e k muon song nua')).join('\n');

    expect(answer).toContain(vi('risk_fixes.self_harm_too'));
    expect(vi('risk_fixes.self_harm_too')).toMatch(/111[\s\S]*115/);
    const c = await caseOf(child);
    expect(c.urgentReasons).toEqual(expect.arrayContaining(['self_harm', 'violence']));
  });
});
