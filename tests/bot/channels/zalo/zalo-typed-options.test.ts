import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../../../locales/i18n.js';
import { ZaloHarness } from '../../../helpers/zalo-child.js';

const vi = tr('vi');

/**
 * Zalo has no buttons: every option is chosen by typing its number, or, where a number is itself
 * an answer (an age, a place), by typing the words the line says (over the fake Zalo Bot API).
 */
describe('Choosing options by typing on Zalo', () => {
  let bot: ZaloHarness;
  beforeAll(async () => {
    bot = await ZaloHarness.start();
  });
  afterAll(() => bot?.close());

  it('ends crisis mode when the child types the words of "I am safe" (it has no number: a digit never ends crisis mode)', async () => {
    const child = bot.child();
    await child.says('chào');
    const crisis = (await child.says('mẹ kế em hay nhốt em trong nhà vệ sinh')).join('\n');
    expect(crisis).toContain(`– ${vi('crisis.button_safe')} (${vi('crisis_input.safe_typed')})`);

    const answer = await child.chooses(vi('crisis.button_safe'));

    expect(answer[0]).toContain(vi('crisis.safe'));
    expect(answer.join('\n')).not.toContain(vi('crisis.still_here'));
  });

  it('says how to skip the age and the province, where a typed number is the answer', async () => {
    const child = bot.child();
    await child.says('chào');
    await child.says('1');
    await child.says('khong');
    const age = (await child.chooses(vi('bot.opt.about.self'))).join('\n');
    expect(age).toContain(`– ${vi('bot.button.skip')} (${vi('channels_fixes.typed.skip')})`);

    const gender = (await child.says('bỏ qua')).join('\n');

    expect(gender).toContain(vi('bot.q.gender_self'));
    const places = (await child.says('bỏ qua')).join('\n');
    expect(places).toContain(`– ${vi('bot.button.skip')} (${vi('channels_fixes.typed.skip')})`);
  });

  it('never tells a Zalo child to press a button', async () => {
    const child = bot.child();
    await child.says('chào');
    await child.says('1');
    await child.says('khong');
    await child.chooses(vi('bot.opt.about.self'));
    await child.says('12');
    for (let i = 0; i < 6 && !child.received.at(-1)?.text.startsWith(vi('bot.q.story_report')); i++) await child.says('bỏ qua');
    await child.says('Các bạn trong lớp lấy đồ của em mỗi ngày.');
    await child.chooses(vi('bot.button.done'));

    expect(child.received.map((m) => m.text).join('\n')).not.toMatch(/bấm/i);
  });
});

describe('The greeting for every first message on Zalo', () => {
  let bot: ZaloHarness;
  beforeAll(async () => {
    bot = await ZaloHarness.start();
  });
  afterAll(() => bot?.close());

  const GREETING_START = vi('bot.greeting', { provinceLine: '' }).slice(0, 40);

  it('greets a first sticker with the anonymity notice and 111', async () => {
    const answer = (await bot.child().sendsSticker()).join('\n');

    expect(answer).toContain(GREETING_START);
    expect(answer).toContain('111');
  });

  it('greets a first message about bullying, with the answer to it', async () => {
    const answer = await bot.child().says('em bị các bạn trong lớp bắt nạt');

    expect(answer[0]).toBe(vi('risk.concern'));
    expect(answer.join('\n')).toContain(GREETING_START);
  });
});
