import { afterAll, beforeAll, it } from 'vitest';
import { tr } from '../../locales/i18n.js';
import { EngineChild } from '../helpers/engine-child.js';
import { TelegramHarness } from '../helpers/telegram-child.js';

const vi = tr('vi');
let bot: TelegramHarness;
beforeAll(async () => { bot = await TelegramHarness.start(); });
afterAll(() => bot?.close());
const show = (r: { text?: string; options?: unknown }[]) => r.map((m) => `> ${(m.text ?? '').slice(0, 90).replace(/\n/g, ' / ')}`).join('\n');

it('harm typed', async () => {
  const child = new EngineChild(bot.app);
  await child.says('/start');
  await child.presses(vi('bot.menu.report'));
  for (const answer of ['khong', 'về em', '12', 'con gái', 'bỏ qua']) console.log(`"${answer}"\n` + show(await child.says(answer)));
  console.log('Q: ' + child.question);
  console.log('"bi xam hai tinh duc"\n' + show(await child.says('bi xam hai tinh duc')));
  console.log('Q: ' + child.question);
});
