/**
 * The whole bot on Telegram, in-process: the local fake Bot API and the real app talking to it
 * over loopback (long polling, or a webhook the test posts to). A `TelegramChild` is one chat:
 * it says things, presses buttons and sends photos, and each of those resolves with the bot's
 * new messages once the bot has gone quiet for that chat — judged from conditions (the update
 * handled, nothing left in the outbox, the fake holding what the outbox sent), never from sleeps.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, type App, type AppOptions } from '../../app/app.js';
import { loadConfig } from '../../app/config.js';
import { tr } from '../../locales/i18n.js';
import {
  AuditEventModel,
  CaseModel,
  ContactModel,
  ConversationModel,
  InboundUpdateModel,
  MessageModel,
  OutboxModel,
  WebTranscriptModel,
  type Case,
} from '../../models/index.js';
import { FakeBotApi, type SentMessage } from '../fakes/fake-bot-api.js';
import { engineEnv } from './engines.js';

/** Short intervals so retries and restarts take milliseconds, not seconds. */
export const TEST_APP_OPTIONS: AppOptions = {
  processEvery: 50,
  outboxEvery: '1 second',
  outbox: { baseDelayMs: 50, maxDelayMs: 500 },
  telegramPoll: { pollTimeoutSeconds: 1, backoffMs: 50, maxBackoffMs: 200 },
};

export const PROVINCE_HOTLINE = '1800 8079';
export const WEBHOOK_PATH = '/webhooks/telegram';
export const WEBHOOK_SECRET = 'htx_test_webhook_secret_0123456789';

/** How long a child waits for the bot before the test fails with what was seen so far. */
const QUIET_TIMEOUT_MS = 10_000;

type Update = ReturnType<FakeBotApi['pushUpdate']>;
type Button = { text: string; callback_data?: string };

export interface HarnessOptions {
  /** Receive updates by webhook (the test posts them to the app) instead of long polling. */
  webhook?: boolean;
  /** More environment for the app's config. */
  env?: Record<string, string>;
  /** More options for the app (e.g. a logger the test reads). */
  appOptions?: AppOptions;
}

/** A case reference code as the receipt shows it. */
/** What the receipt says of where else the code can be typed, with Telegram and the web chat running (no Zalo). */
export const RECEIPT_ANYWHERE = ' (trên Telegram hoặc web đều được)';

export const CASE_CODE = /HTX-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}/;

/** The case code in some bot messages (the receipt), or throws. */
export function caseCodeIn(messages: readonly SentMessage[]): string {
  for (const m of messages) {
    const code = CASE_CODE.exec(m.text)?.[0];
    if (code) return code;
  }
  throw new Error(`no case code in ${JSON.stringify(texts(messages).map((t) => t.slice(0, 60)))}`);
}

/** The texts of some bot messages. */
export const texts = (messages: readonly SentMessage[]) => messages.map((m) => m.text);

/** The buttons of one bot message, row after row. */
export const buttonsOf = (message: SentMessage | undefined): Button[] => message?.reply_markup?.inline_keyboard?.flat() ?? [];

/** Polls an async condition every 10 ms; throws `describe()` when it has not held within `timeoutMs`. */
export async function eventually(condition: () => Promise<boolean> | boolean, timeoutMs: number, describe: () => Promise<string> | string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms: ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export class TelegramHarness {
  /**
   * Builds updates without queueing them at the fake, for posting to the webhook: the ones the
   * harness posts and the ones a test posts by hand, from one sequence of update ids.
   */
  readonly unsent = new FakeBotApi();
  private nextChatId = 51_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
  private running: App | null = null;

  private constructor(
    readonly fake: FakeBotApi,
    readonly dataDir: string,
    readonly webhook: boolean,
    private readonly env: Record<string, string>,
    private readonly appOptions: AppOptions,
  ) {}

  /** Starts the fake Bot API and the app on a fresh DATA_DIR. */
  static async start(options: HarnessOptions = {}): Promise<TelegramHarness> {
    const fake = await new FakeBotApi().start();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'htx-telegram-'));
    // The run's engine, chosen once: a restart finds the same database.
    const env: Record<string, string> = {
      ...engineEnv(),
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      PROVINCE_HOTLINE,
      ...(options.webhook ? { TELEGRAM_WEBHOOK_URL: `https://bot.example.test${WEBHOOK_PATH}`, TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET } : {}),
      ...options.env,
    };
    const harness = new TelegramHarness(fake, dataDir, options.webhook ?? false, env, options.appOptions ?? {});
    await harness.startApp();
    return harness;
  }

  /** The running app. */
  get app(): App {
    if (!this.running) throw new Error('the app is stopped');
    return this.running;
  }

  /** A new chat (a new child) unless an id is given. */
  child(chatId = this.nextChatId++): TelegramChild {
    return new TelegramChild(this, chatId);
  }

  async startApp(): Promise<App> {
    if (this.running) throw new Error('the app is already running');
    this.running = await startApp(loadConfig(this.env), { ...TEST_APP_OPTIONS, ...this.appOptions });
    return this.running;
  }

  async stopApp(): Promise<void> {
    const app = this.running;
    this.running = null;
    if (!app) return;
    await app.stop();
  }

  /** Stops the app and starts it again on the same DATA_DIR and the same fake. */
  async restartApp(): Promise<App> {
    await this.stopApp();
    return this.startApp();
  }

  async close(): Promise<void> {
    await this.stopApp();
    await this.fake.stop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** The case with this code, or throws. */
  async caseByCode(code: string): Promise<Case> {
    const found = await this.app.store.collection(CaseModel).findOne({ code });
    if (!found) throw new Error(`no case ${code} in the store`);
    return found;
  }

  /** A case's messages, in order. */
  messagesOf(caseId: string) {
    return this.app.store.collection(MessageModel).find({ caseId }, { sort: { seq: 1 } });
  }

  /** A case's audit events, oldest first. */
  auditOf(caseId: string) {
    return this.app.store.collection(AuditEventModel).find({ caseId }, { sort: { createdAt: 1 } });
  }

  /** The contact a chat is known as now (found by pseudonym, as the app finds it), if any. */
  contactOf(chatId: number) {
    return this.app.store.collection(ContactModel).findOne({ channel: 'telegram', pseudonym: this.app.cipher.pseudonym('telegram', String(chatId)) });
  }

  /** Every document of every collection, as JSON: for "this is nowhere in the store". */
  async storeDump(): Promise<string> {
    const models = [AuditEventModel, CaseModel, ContactModel, ConversationModel, InboundUpdateModel, MessageModel, OutboxModel, WebTranscriptModel];
    const all = await Promise.all(models.map(async (m) => [m.name, await this.app.store.collection<{ _id: string }>(m).find({})] as const));
    return JSON.stringify(Object.fromEntries(all));
  }

  /** Every message the fake received for a chat, in order. */
  sentTo(chatId: number): SentMessage[] {
    return this.fake.sent.filter((m) => String(m.chat_id) === String(chatId));
  }

  /** The outbox's key for a chat: its messages leave in order under it. */
  recipientKey(chatId: number): string {
    return `telegram:${this.app.cipher.pseudonym('telegram', String(chatId))}`;
  }

  /**
   * Hands an update to the app the way Telegram would: queued at the fake for the polling loop,
   * or POSTed to the webhook with the secret header (which must answer 200).
   */
  async deliver(build: (api: FakeBotApi) => Update): Promise<Update> {
    if (!this.webhook) return build(this.fake);
    const update = build(this.unsent);
    const res = await this.postWebhook(JSON.stringify(update));
    if (res.status !== 200) throw new Error(`the webhook answered ${res.status} to update ${update.update_id}: ${await res.text()}`);
    return update;
  }

  /** POSTs a raw body to the app's Telegram webhook. */
  postWebhook(body: string, secret: string | null = WEBHOOK_SECRET): Promise<Response> {
    return fetch(`${this.app.url}${WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret !== null ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body,
    });
  }

  /**
   * Resolves once the bot is quiet for a chat: the updates are handled, the app has nothing in
   * hand, nothing is waiting in the outbox for the chat, and the fake holds all that was sent.
   */
  async quiet(chatId: number, updateIds: readonly number[], timeoutMs = QUIET_TIMEOUT_MS): Promise<void> {
    const app = this.app;
    const updates = app.store.collection(InboundUpdateModel);
    const outbox = app.store.collection(OutboxModel);
    const recipientKey = this.recipientKey(chatId);
    const deadline = Date.now() + timeoutMs;
    const handled = async () => {
      const found = await updates.find({ _id: { $in: updateIds.map((id) => `telegram:${id}`) } });
      return found.length === updateIds.length && found.every((u) => u.status === 'done' || u.status === 'failed');
    };
    const describe = async () => {
      const found = await updates.find({ _id: { $in: updateIds.map((id) => `telegram:${id}`) } });
      const waiting = await outbox.find({ recipientKey, status: { $in: ['pending', 'sending'] } });
      return [
        `the bot did not go quiet for chat ${chatId}.`,
        `updates ${JSON.stringify(updateIds)}: ${JSON.stringify(found.map((u) => ({ id: u._id, status: u.status, attempts: u.attempts, lastError: u.lastError })))}`,
        `outbox waiting: ${JSON.stringify(waiting.map((o) => ({ status: o.status, attempts: o.attempts, lastError: o.lastError })))}`,
        `messages so far: ${JSON.stringify(texts(this.sentTo(chatId)).map((t) => t.slice(0, 60)))}`,
      ].join('\n');
    };
    await eventually(handled, timeoutMs, describe);
    await app.inbound.idle();
    await eventually(
      async () => {
        if ((await outbox.count({ recipientKey, status: { $in: ['pending', 'sending'] } })) > 0) return false;
        return this.sentTo(chatId).length >= (await outbox.count({ recipientKey, status: 'sent' }));
      },
      Math.max(0, deadline - Date.now()),
      describe,
    );
  }
}

/** One chat with the bot: what a child does, and what the child sees. */
export class TelegramChild {
  constructor(
    readonly harness: TelegramHarness,
    readonly chatId: number,
  ) {}

  /** Every message the bot sent this chat, in order. */
  get received(): SentMessage[] {
    return this.harness.sentTo(this.chatId);
  }

  /** The bot's latest message that has buttons. */
  get lastKeyboard(): SentMessage | undefined {
    return [...this.received].reverse().find((m) => buttonsOf(m).length > 0);
  }

  /** Types a message; resolves with the bot's answer. */
  says(text: string): Promise<SentMessage[]> {
    return this.act((api) => api.userSendsText(this.chatId, text));
  }

  /**
   * Presses a button of the bot's latest message that has buttons, found by its label or its
   * callback data (exactly, else by the start of either); resolves with the bot's answer.
   */
  presses(labelOrData: string): Promise<SentMessage[]> {
    const data = this.findButton(labelOrData).callback_data!;
    return this.act((api) => api.userPressesButton(this.chatId, data));
  }

  /** Sends a photo (with a caption when given); resolves with the bot's answer. */
  sendsPhoto(caption?: string): Promise<SentMessage[]> {
    return this.act((api) => api.userSendsPhoto(this.chatId, caption));
  }

  /** Sends any update built by the fake; resolves with the bot's answer. */
  async sends(build: (api: FakeBotApi, chatId: number) => Update): Promise<SentMessage[]> {
    return this.act((api) => build(api, this.chatId));
  }

  /**
   * Skips every question (or presses Done where there is no Skip) until the receipt comes;
   * resolves with everything the bot said on the way.
   */
  async skipsToTheEnd(maxSteps = 20): Promise<SentMessage[]> {
    const t = tr('vi');
    const seen: SentMessage[] = [];
    for (let i = 0; i < maxSteps; i++) {
      const labels = buttonsOf(this.lastKeyboard).map((b) => b.text);
      const next = [t('bot.button.skip'), t('bot.button.done'), tr('en')('bot.button.skip'), tr('en')('bot.button.done')].find((l) => labels.includes(l));
      if (!next) throw new Error(`Chat ${this.chatId}: nothing to skip in ${JSON.stringify(this.lastKeyboard?.text.slice(0, 60))} (buttons ${JSON.stringify(labels)})`);
      const answer = await this.presses(next);
      seen.push(...answer);
      if (answer.some((m) => CASE_CODE.test(m.text))) return seen;
    }
    throw new Error(`Chat ${this.chatId}: no receipt after ${maxSteps} skips`);
  }

  private async act(build: (api: FakeBotApi) => Update): Promise<SentMessage[]> {
    const before = this.received.length;
    const update = await this.harness.deliver(build);
    await this.harness.quiet(this.chatId, [update.update_id]);
    return this.received.slice(before);
  }

  private findButton(wanted: string): Button {
    const message = this.lastKeyboard;
    const buttons = buttonsOf(message).filter((b) => b.callback_data);
    const exact = buttons.find((b) => b.text === wanted || b.callback_data === wanted);
    if (exact) return exact;
    const loose = buttons.filter((b) => b.text.startsWith(wanted) || b.callback_data!.startsWith(wanted));
    if (loose.length === 1) return loose[0]!;
    const list = buttons.map((b) => `"${b.text}" (${b.callback_data})`).join(', ') || 'none';
    const why = loose.length > 1 ? `${loose.length} buttons match` : 'no button matches';
    throw new Error(`Chat ${this.chatId}: ${why} "${wanted}" in the bot's latest message with buttons (${JSON.stringify(message?.text.slice(0, 60) ?? null)}). Buttons: ${list}`);
  }
}
