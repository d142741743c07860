/**
 * Honest words after an alarm: the child is told staff were alerted only when an alert channel
 * reaches someone now; otherwise that the counsellors will read it as soon as they can and that
 * 111/113 reach someone now. The log line names the channels the alert went out on, or none.
 * Two installs: one with no alert channel (no staff group, no e-mail, nobody signed in), one
 * with the staff Telegram group set.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../../app/logger.js';
import { tr } from '../../../locales/i18n.js';
import { caseCodeIn, TelegramHarness, texts, type TelegramChild, RECEIPT_ANYWHERE } from '../../helpers/telegram-child.js';

const vi = tr('vi');
const STAFF_GROUP = '-1009876543210';
const STORY = 'bố đánh em';

interface LogLine {
  msg: string;
  caseCode?: string;
  channels?: string[];
}

/** A logger whose lines the test reads (never message text: that is checked too). */
function capturingLogger(): { logger: Logger; lines: LogLine[]; raw: string[] } {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void (raw.push(line), lines.push(JSON.parse(line) as LogLine)) });
  return { logger: logger as unknown as Logger, lines, raw };
}

/** A child reports on Telegram and writes `STORY` as the story: the alarm's answer, then the receipt. */
async function urgentReport(child: TelegramChild) {
  await child.says('/start');
  await child.presses(vi('bot.menu.report'));
  await child.presses(vi('bot.opt.danger.no'));
  for (let i = 0; i < 6; i++) await child.presses(vi('bot.button.skip'));
  const alarm = await child.says(STORY);
  const receipt = await child.skipsToTheEnd();
  return { alarm: texts(alarm), receipt: receipt.at(-2)!.text, code: caseCodeIn(receipt) };
}

describe('what the child is told after an alarm, and the log line, when no alert channel works', () => {
  let bot: TelegramHarness;
  const log = capturingLogger();

  beforeAll(async () => {
    bot = await TelegramHarness.start({ appOptions: { logger: log.logger } });
  });
  afterAll(() => bot?.close());

  it('says the counsellors will read it as soon as they can and that 111/113 reach someone now, and never that staff were told', async () => {
    const { alarm, receipt, code } = await urgentReport(bot.child());

    expect(alarm[0]).toBe(vi('bot.urgent_detected'));
    expect(alarm[0]).toContain('sớm nhất có thể');
    expect(alarm[0]).toMatch(/111.*113/s);
    expect(receipt).toBe(vi('bot.receipt', { anywhere: RECEIPT_ANYWHERE, code, next: vi('bot.receipt_next.urgent') }));
    expect(receipt).toContain('sớm nhất có thể');
    expect(receipt).toMatch(/gọi 111 hoặc 113/);
    for (const said of [...alarm, receipt]) expect(said).not.toMatch(/đã (báo|được báo) ngay/);

    const line = log.lines.find((l) => l.caseCode === code && l.msg.startsWith('urgent case'))!;
    expect(line.msg).toMatch(/NO alert channel/);
    expect(line.channels).toEqual([]);
    expect(log.raw.join('\n')).not.toContain(STORY);
  });

  it('never says staff were told in crisis mode or after suicidal words either', async () => {
    for (const words of ['bố em đang cầm dao đòi giết mẹ', 'em muốn chết']) {
      const child = bot.child();
      await child.says('/start');
      const said = texts(await child.says(words));
      for (const line of said) expect(line).not.toMatch(/đã (báo|được báo) ngay/);
      expect(said.join('\n')).toContain('111');
    }
  });
});

describe('what the child is told after an alarm, and the log line, when the staff Telegram group is set', () => {
  let bot: TelegramHarness;
  const log = capturingLogger();

  beforeAll(async () => {
    bot = await TelegramHarness.start({ env: { STAFF_TELEGRAM_CHAT_ID: STAFF_GROUP }, appOptions: { logger: log.logger } });
  });
  afterAll(() => bot?.close());

  it('says staff were alerted at once, still gives 111/113, and the group really gets the alert', async () => {
    const { alarm, receipt, code } = await urgentReport(bot.child());

    expect(alarm[0]).toBe(vi('bot.urgent_detected_alerted'));
    expect(alarm[0]).toContain('Mình đã báo ngay cho anh chị tư vấn');
    expect(alarm[0]).toMatch(/111.*113/s);
    expect(receipt).toBe(vi('bot.receipt', { anywhere: RECEIPT_ANYWHERE, code, next: vi('bot.receipt_next.urgent_alerted') }));
    expect(receipt).toContain('đã được báo ngay');
    expect(receipt).toContain('gọi ngay 111');

    const line = log.lines.find((l) => l.caseCode === code && l.msg.startsWith('urgent case'))!;
    expect(line.msg).toBe('urgent case: staff alerted through telegram');
    expect(line.channels).toEqual(['telegram']);
    const group = await bot.fake.waitForMessages(STAFF_GROUP, 1, 5_000);
    expect(group[0]!.text).toContain(code);
    expect(group[0]!.text).not.toContain(STORY);
  });

  it('says staff were told in crisis mode when they were', async () => {
    const child = bot.child();
    await child.says('/start');
    const said = texts(await child.says('bố em đang cầm dao đòi giết mẹ'));
    expect(said[0]).toContain(vi('crisis_fixes.with_you_alerted'));
  });
});
