/**
 * The whole bot on Zalo, in-process: the local fake Zalo Bot API and the real app talking to it
 * over loopback, by polling (one update per getUpdates call, 408 when none) or by webhook (the
 * test posts what Zalo would). A `ZaloChild` is one chat; each action resolves with the bot's new
 * messages once the bot is quiet for that chat, judged from conditions, never from sleeps.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, type App } from '../../app/app.js';
import { loadConfig } from '../../app/config.js';
import { InboundUpdateModel, OutboxModel } from '../../models/index.js';
import { FakeZaloApi, type ZaloSent, type ZaloUpdate } from '../fakes/fake-zalo-api.js';
import { engineEnv } from './engines.js';
import { eventually, PROVINCE_HOTLINE, TEST_APP_OPTIONS } from './telegram-child.js';

export const ZALO_WEBHOOK_PATH = '/webhooks/zalo';
export const ZALO_WEBHOOK_SECRET = 'zalo_test_webhook_secret_0123456789';
const QUIET_TIMEOUT_MS = 10_000;

export interface ZaloHarnessOptions {
  webhook?: boolean;
  env?: Record<string, string>;
}

export class ZaloHarness {
  private running: App | null = null;
  private nextChat = 0;

  private constructor(
    readonly fake: FakeZaloApi,
    readonly dataDir: string,
    readonly webhook: boolean,
    private readonly env: Record<string, string>,
  ) {}

  static async start(options: ZaloHarnessOptions = {}): Promise<ZaloHarness> {
    const fake = await new FakeZaloApi().start();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'htx-zalo-'));
    // The run's engine, chosen once: a restart finds the same database.
    const env: Record<string, string> = {
      ...engineEnv(),
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      ZALO_BOT_TOKEN: fake.token,
      ZALO_API_ROOT: fake.apiRoot,
      PUBLIC_URL: 'https://hopthuxanh.example.vn',
      PROVINCE_HOTLINE,
      ...(options.webhook ? { ZALO_WEBHOOK_URL: `https://hopthuxanh.example.vn${ZALO_WEBHOOK_PATH}`, ZALO_WEBHOOK_SECRET } : {}),
      ...options.env,
    };
    const harness = new ZaloHarness(fake, dataDir, options.webhook ?? false, env);
    await harness.startApp();
    return harness;
  }

  get app(): App {
    if (!this.running) throw new Error('the app is stopped');
    return this.running;
  }

  async startApp(): Promise<App> {
    this.running = await startApp(loadConfig(this.env), { ...TEST_APP_OPTIONS, zaloPoll: { pollTimeoutSeconds: 1, backoffMs: 50, maxBackoffMs: 200 } });
    return this.running;
  }

  async stopApp(): Promise<void> {
    const app = this.running;
    this.running = null;
    await app?.stop();
  }

  async close(): Promise<void> {
    await this.stopApp();
    await this.fake.stop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** A new chat: Zalo's ids are hex strings. */
  child(chatId = `${Date.now().toString(16)}${(this.nextChat++).toString(16).padStart(4, '0')}`): ZaloChild {
    return new ZaloChild(this, chatId);
  }

  sentTo(chatId: string): ZaloSent[] {
    return this.fake.sent.filter((m) => m.chat_id === chatId);
  }

  recipientKey(chatId: string): string {
    return `zalo:${this.app.cipher.pseudonym('zalo', chatId)}`;
  }

  /** POSTs a raw body to the app's Zalo webhook. */
  postWebhook(body: string, secret: string | null = ZALO_WEBHOOK_SECRET): Promise<Response> {
    return fetch(`${this.app.url}${ZALO_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret !== null ? { 'x-bot-api-secret-token': secret } : {}) },
      body,
    });
  }

  /** Hands an update to the app as Zalo would: queued for polling, or posted to the webhook. */
  async deliver(update: ZaloUpdate): Promise<void> {
    if (!this.webhook) return void this.fake.push(update);
    const res = await this.postWebhook(JSON.stringify(update));
    if (res.status !== 200) throw new Error(`the webhook answered ${res.status}: ${await res.text()}`);
  }

  /** Resolves once the update is handled and everything for the chat is sent. */
  async quiet(chatId: string, update: ZaloUpdate): Promise<void> {
    const app = this.app;
    const id = `zalo:${update.event_name}:${String(update.message?.message_id)}`;
    const updates = app.store.collection(InboundUpdateModel);
    const outbox = app.store.collection(OutboxModel);
    const key = this.recipientKey(chatId);
    const describe = async () => `zalo chat ${chatId} not quiet; update ${JSON.stringify(await updates.findOne({ _id: id }))}; sent ${JSON.stringify(this.sentTo(chatId).map((m) => m.text.slice(0, 50)))}`;
    await eventually(async () => ['done', 'failed'].includes((await updates.findOne({ _id: id }))?.status ?? ''), QUIET_TIMEOUT_MS, describe);
    await app.inbound.idle();
    await eventually(
      async () => (await outbox.count({ recipientKey: key, status: { $in: ['pending', 'sending'] } })) === 0 && this.sentTo(chatId).length >= (await outbox.count({ recipientKey: key, status: 'sent' })),
      QUIET_TIMEOUT_MS,
      describe,
    );
  }
}

export class ZaloChild {
  constructor(
    readonly harness: ZaloHarness,
    readonly chatId: string,
  ) {}

  get received(): ZaloSent[] {
    return this.harness.sentTo(this.chatId);
  }

  says(text: string): Promise<string[]> {
    return this.act(this.harness.fake.textUpdate(this.chatId, text));
  }

  sendsPhoto(caption?: string): Promise<string[]> {
    return this.act(this.harness.fake.imageUpdate(this.chatId, caption));
  }

  sendsVoice(options?: Parameters<FakeZaloApi['voiceUpdate']>[1]): Promise<string[]> {
    return this.act(this.harness.fake.voiceUpdate(this.chatId, options));
  }

  sendsSticker(): Promise<string[]> {
    return this.act(this.harness.fake.stickerUpdate(this.chatId));
  }

  /** Writes something Zalo withholds (a child's account): the bot gets no content. */
  isWithheld(): Promise<string[]> {
    return this.act(this.harness.fake.withheldUpdate(this.chatId));
  }

  /** Sends an update as it is (e.g. the same one again). */
  async act(update: ZaloUpdate): Promise<string[]> {
    const before = this.received.length;
    await this.harness.deliver(update);
    await this.harness.quiet(this.chatId, update);
    return this.received.slice(before).map((m) => m.text);
  }

  /** The number the bot's latest message gives an option whose label starts with `label`. */
  numberOf(label: string): string {
    const last = [...this.received].reverse().find((m) => /^\d+\. /m.test(m.text));
    const line = last?.text.split('\n').find((l) => new RegExp(`^\\d+\\. ${escape(label)}`).test(l));
    if (!line) throw new Error(`no option "${label}" in ${JSON.stringify(last?.text ?? null)}`);
    return line.split('.')[0]!;
  }

  /**
   * Types the number of an option of the bot's latest question, or its words when it has no
   * number (the age question's options: there a typed number is an age).
   */
  chooses(label: string): Promise<string[]> {
    const last = [...this.received].reverse().find((m) => /^\d+\. /m.test(m.text));
    if (last?.text.split('\n').some((l) => l === `– ${label}` || l.startsWith(`– ${label} (`))) return this.says(label);
    return this.says(this.numberOf(label));
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
