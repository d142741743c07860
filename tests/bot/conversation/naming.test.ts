/**
 * One name for the same thing per audience: a child (or a parent) hears of their "thư" and its
 * "mã thư" ("letter", "letter code" in English) everywhere the bot speaks; staff work with
 * "hồ sơ" ("case"). Checked over every string, and in a conversation over Telegram's fake Bot API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resources, tr } from '../../../locales/i18n.js';
import { caseCodeIn, TelegramHarness } from '../../helpers/telegram-child.js';

const vi = tr('vi');
const en = tr('en');

type Tree = { [key: string]: unknown };
function flatten(tree: Tree, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([k, v]) => {
    const key = prefix ? `${prefix}.${k}` : k;
    return v && typeof v === 'object' ? flatten(v as Tree, key) : [[key, String(v)] as [string, string]];
  });
}
/** Strings for staff (the back office, staff alerts and mail) and shared error lines; the rest is what the bot says. */
const STAFF = /^(admin|staff|mail|notify|errors)\./;
const strings = (lang: 'vi' | 'en') => flatten(resources[lang] as Tree);

describe('What the same thing is called', () => {
  it('never calls a child\'s letter "hồ sơ" or "case" in anything the bot says', () => {
    expect(strings('vi').filter(([k, v]) => !STAFF.test(k) && /hồ sơ/iu.test(v)).map(([k]) => k)).toEqual([]);
    expect(strings('en').filter(([k, v]) => !STAFF.test(k) && /\bcases?\b/i.test(v)).map(([k]) => k)).toEqual([]);
  });

  it('calls it "hồ sơ" for staff, naming the child\'s "mã thư" only as what the bot calls it', () => {
    expect(strings('vi').filter(([k, v]) => k.startsWith('admin.') && /(?<!“)mã thư/iu.test(v)).map(([k]) => k)).toEqual([]);
    expect(vi('admin.cases.case.heading', { code: 'HTX-1' })).toBe('Hồ sơ HTX-1');
  });

  describe('in a conversation (Telegram)', () => {
    let bot: TelegramHarness;
    beforeAll(async () => {
      bot = await TelegramHarness.start();
    });
    afterAll(() => bot?.close());

    it('shows a child who types their code "Thư HTX-…", the word of their receipt', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.opinion'));
      const receipt = await child.skipsToTheEnd();
      const code = caseCodeIn(receipt);
      expect(receipt.map((m) => m.text).join('\n')).toContain(`Mã thư của em: ${code}`);

      const status = (await child.says(code))[0]!.text;

      expect(status).toBe(`Thư ${code}: ${vi('bot.status.new')}`);
      expect(status).not.toMatch(/hồ sơ/i);
    });

    it('shows an English-speaking child "Letter HTX-…"', async () => {
      const child = bot.child();
      await child.says('/start');
      await child.presses(vi('bot.menu.lang'));
      await child.presses(en('bot.menu.opinion'));
      const code = caseCodeIn(await child.skipsToTheEnd());

      expect((await child.says(code))[0]!.text).toBe(`Letter ${code}: ${en('bot.status.new')}`);
    });
  });
});
