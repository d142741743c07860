import fs from 'node:fs';
import path from 'node:path';

/** Suites that never open a store: pure functions, the fake Bot API, the Telegram client alone, configuration, strings. */
export const STORE_FREE = new Set([
  'tests/app/config.test.ts',
  'tests/app/mongo-leg.test.ts',
  'tests/contract/document-checker.test.ts',
  'tests/bot/risk/risk-detector.test.ts',
  'tests/cases/area-directory.test.ts',
  'tests/locales/locales.test.ts',
  'tests/bot/channels/telegram/fake-bot-api.test.ts',
  'tests/bot/channels/telegram/telegram.files.test.ts',
  'tests/bot/channels/telegram/telegram.inbound.test.ts',
  'tests/bot/channels/telegram/telegram.polling.test.ts',
  'tests/bot/channels/telegram/telegram.sender.test.ts',
  'tests/bot/channels/telegram/telegram.webhook.test.ts',
]);

/** Every file under `root`, as a path with forward slashes. */
export const filesUnder = (root: string): string[] =>
  (fs.readdirSync(root, { recursive: true }) as string[]).map((f) => path.join(root, f).split(path.sep).join('/'));

/** Every test file, minus the store-free ones: a new suite is on the MongoDB leg unless it is named above. */
export function storeSuites(root = 'tests'): string[] {
  return filesUnder(root)
    .filter((f) => f.endsWith('.test.ts') && !STORE_FREE.has(f))
    .sort();
}
