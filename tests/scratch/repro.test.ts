import { afterAll, beforeAll, it } from 'vitest';
import { EngineChild } from '../helpers/engine-child.js';
import { TelegramHarness } from '../helpers/telegram-child.js';

let bot: TelegramHarness;
beforeAll(async () => { bot = await TelegramHarness.start(); });
afterAll(() => bot?.close());

for (const first of ['con gái tôi 9 tuổi bị chú hàng xóm sờ vào người', 'chú hàng xóm hay sờ vào người em, em sợ']) {
  it(first, async () => {
    const child = new EngineChild(bot.app);
    await child.says('/start');
    const r = await child.says(first);
    console.log('=== ' + first + '\n' + r.map((m) => `> ${m.text}\n  [${(m.options ?? []).flat().map((o) => o.label).join(' | ')}]`).join('\n'));
    const r2 = await child.says('khong a');
    console.log('--- then "khong a"\n' + r2.map((m) => `> ${m.text}\n  [${(m.options ?? []).flat().map((o) => o.label).join(' | ')}]`).join('\n'));
  });
}
