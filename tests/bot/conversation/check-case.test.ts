import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../../locales/i18n.js';
import { CaseModel, MessageModel } from '../../../models/index.js';
import { caseCodeIn, TelegramHarness, texts } from '../../helpers/telegram-child.js';

const vi = tr('vi');
const ANSWER = 'Chào em, anh chị đã đọc thư của em. Em đã làm rất đúng khi kể ra. Anh chị sẽ liên hệ với nhà trường.';
const WRONG_CODE = 'HTX-22222-22222';

describe('Checking a case by its code (Telegram)', () => {
  let bot: TelegramHarness;
  let code: string;

  beforeAll(async () => {
    bot = await TelegramHarness.start();
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));
    code = caseCodeIn(await child.skipsToTheEnd());
    const stored = await bot.caseByCode(code);
    await bot.app.store.collection(MessageModel).insertOne({ caseId: stored._id, author: 'counsellor', text: ANSWER });
    await bot.app.store.collection(MessageModel).insertOne({ caseId: stored._id, author: 'note', text: 'ghi chú nội bộ: gọi cho nhà trường' });
  });
  afterAll(() => bot?.close());

  it('shows the status and the counsellor\'s answer when the child types the code after "check my case"', async () => {
    const child = bot.child();
    await child.says('/start');

    expect(texts(await child.presses(vi('bot.menu.check')))).toEqual([vi('bot.check_prompt')]);
    const answer = await child.says(code);

    expect(answer[0]?.text).toBe(vi('bot.check_status', { code, status: vi('bot.status.new') }));
    expect(answer[1]?.text).toContain(ANSWER);
    const [heading] = vi('bot.check_answer', { date: '\u0000', text: '' }).split('\u0000');
    expect(answer[1]?.text.startsWith(heading!)).toBe(true);
    expect(answer.at(-1)?.text).toBe(vi('reply.prompt', { code }));
  });

  it('never shows the counsellors\' internal notes', async () => {
    const child = bot.child();
    const answer = await child.says(code);

    expect(texts(answer).join('\n')).not.toContain('ghi chú nội bộ');
  });

  it('reads a code typed in lower case with spaces', async () => {
    const child = bot.child();
    await child.says('/start');

    const answer = await child.says(`mã của em là ${code.toLowerCase().replaceAll('-', ' ')}`);

    expect(answer[0]?.text).toBe(vi('bot.check_status', { code, status: vi('bot.status.new') }));
  });

  it('shows the case on another chat where the child comes back, typing only the code', async () => {
    const elsewhere = bot.child();

    const answer = await elsewhere.says(code);

    expect(answer[0]?.text).toBe(vi('bot.check_status', { code, status: vi('bot.status.new') }));
    expect(answer[1]?.text).toContain(ANSWER);
    expect(answer.at(-1)?.text).toBe(vi('reply.prompt', { code }));
  });

  it('shows the new status once a counsellor has moved the case on', async () => {
    const stored = await bot.caseByCode(code);
    await bot.app.store.collection(CaseModel).findOneAndUpdate({ _id: stored._id }, { $set: { status: 'in_progress' } });

    const answer = await bot.child().says(code);

    expect(answer[0]?.text).toBe(vi('bot.check_status', { code, status: vi('bot.status.in_progress') }));
  });

  it('says when there is no answer yet', async () => {
    const other = bot.child();
    await other.says('/start');
    await other.presses(vi('bot.menu.opinion'));
    const fresh = caseCodeIn(await other.skipsToTheEnd());

    const answer = await bot.child().says(fresh);

    expect(texts(answer).slice(0, 2)).toEqual([vi('bot.check_status', { code: fresh, status: vi('bot.status.new') }), vi('bot.check_no_answers')]);
  });

  it('leaves reply mode for a menu entry pressed on an earlier keyboard, and starts what it names', async () => {
    const child = bot.child();
    await child.says('/start');
    expect((await child.says(code)).at(-1)?.text).toBe(vi('reply.prompt', { code }));

    const answer = await child.sends((api, chatId) => api.userPressesButton(chatId, 'm.report'));

    expect(texts(answer)).toContain(vi('bot.q.danger'));
  });

  it('says "not found" for a wrong code', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.check'));

    expect(texts(await child.says(WRONG_CODE))).toEqual([vi('bot.check_not_found')]);
  });

  it('asks the child to wait after too many wrong codes, even for the right one', async () => {
    const child = bot.child();
    await child.says('/start');
    for (let i = 0; i < 5; i++) expect(texts(await child.says(WRONG_CODE))).toEqual([vi('bot.check_not_found')]);

    expect(texts(await child.says(WRONG_CODE))).toEqual([vi('bot.check_rate_limited')]);
    expect(texts(await child.says(code))).toEqual([vi('bot.check_rate_limited')]);
  });

  it('does not count another chat\'s wrong codes against this one', async () => {
    const child = bot.child();

    const answer = await child.says(code);

    expect(answer[0]?.text).toBe(vi('bot.check_status', { code, status: vi('bot.status.in_progress') }));
  });
});
