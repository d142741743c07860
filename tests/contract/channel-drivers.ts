/**
 * One app with every channel on (Telegram and Zalo through their local fake APIs, the web chat
 * through its JSON API), and a driver per channel that does what a child does there — types,
 * chooses an option the way that channel offers it (a button, or a number on Zalo), sends the
 * same update again — and reads back what the bot sent, once the bot is quiet for that chat.
 * The channel contract suite runs the same scenarios over every driver.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, type App } from '../../app/app.js';
import { loadConfig } from '../../app/config.js';
import { InboundUpdateModel, OutboxModel, WebTranscriptModel, type Channel } from '../../models/index.js';
import { FakeBotApi } from '../fakes/fake-bot-api.js';
import { FakeZaloApi } from '../fakes/fake-zalo-api.js';
import { eventually, PROVINCE_HOTLINE, TEST_APP_OPTIONS } from '../helpers/telegram-child.js';
import { engineEnv } from '../helpers/engines.js';

const QUIET_MS = 10_000;
export const TELEGRAM_SECRET = 'contract_suite_webhook_secret_0123';

/** A child on one channel. Every action resolves with the bot's new texts. */
export interface ChannelChild {
  says(text: string): Promise<string[]>;
  /** Chooses an option of the bot's latest question by its label, the way the channel offers it. */
  chooses(label: string): Promise<string[]>;
  /** Sends the last update again, as a platform does after a lost acknowledgement. */
  repeatsLast(): Promise<string[]>;
  /** The labels of the options of the bot's latest message that has some. */
  options(): string[];
  /** Everything the bot has sent this child so far. */
  heard(): Promise<string[]>;
}

export interface ChannelDriver {
  readonly channel: Channel;
  child(): ChannelChild;
  /** Whether a platform stands between the bot and the child (it can refuse or fail sends). */
  readonly platform: boolean;
  /** Makes the platform refuse the next send for good (a blocked bot), or fail it `n` times. */
  refuseNextSend(): void;
  failNextSends(n: number): void;
}

export interface ChannelWorld {
  app: App;
  drivers: ChannelDriver[];
  close(): Promise<void>;
}

/** `env` adds to or overrides the app's environment (e.g. a low flood limit). */
export async function startChannelWorld(env: Record<string, string> = {}): Promise<ChannelWorld> {
  const [telegram, zalo] = await Promise.all([new FakeBotApi().start(), new FakeZaloApi().start()]);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'htx-channels-'));
  const config = loadConfig({ ...engineEnv(),
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'https://hopthuxanh.example.vn',
    PROVINCE_HOTLINE,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.apiRoot,
    // Telegram by webhook: a repeated update is posted again, as Telegram does after a lost 200.
    TELEGRAM_WEBHOOK_URL: 'https://hopthuxanh.example.vn/webhooks/telegram',
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
    ZALO_BOT_TOKEN: zalo.token,
    ZALO_API_ROOT: zalo.apiRoot,
    ...env,
  });
  const app = await startApp(config, { ...TEST_APP_OPTIONS, zaloPoll: { pollTimeoutSeconds: 1, backoffMs: 50, maxBackoffMs: 200 } });
  return {
    app,
    drivers: [new TelegramDriver(app, telegram), new ZaloDriver(app, zalo), new WebDriver(app)],
    async close() {
      await app.stop();
      await Promise.all([telegram.stop(), zalo.stop()]);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until an update is handled and the outbox holds nothing more for the chat. */
async function quiet(app: App, updateId: string, channel: Channel, chatId: string, deliveredCount: () => number | Promise<number>) {
  const updates = app.store.collection(InboundUpdateModel);
  const outbox = app.store.collection(OutboxModel);
  const key = `${channel}:${app.cipher.pseudonym(channel, chatId)}`;
  const why = () => `${channel} chat not quiet after update ${updateId}`;
  await eventually(async () => ['done', 'failed'].includes((await updates.findOne({ _id: `${channel}:${updateId}` }))?.status ?? ''), QUIET_MS, why);
  await app.inbound.idle();
  await eventually(
    async () => (await outbox.count({ recipientKey: key, status: { $in: ['pending', 'sending'] } })) === 0 && (await deliveredCount()) >= (await outbox.count({ recipientKey: key, status: 'sent' })),
    QUIET_MS,
    why,
  );
}

class TelegramDriver implements ChannelDriver {
  readonly channel = 'telegram' as const;
  readonly platform = true;
  private next = 61_000_000 + Math.floor(Math.random() * 1_000_000) * 10;
  constructor(
    private readonly app: App,
    private readonly fake: FakeBotApi,
  ) {}

  refuseNextSend() {
    this.fake.failNext(1, { status: 403 });
  }
  failNextSends(n: number) {
    this.fake.failNext(n, { status: 502 });
  }

  /** Builds updates only (never started): they are posted to the app's webhook. */
  private readonly builder = new FakeBotApi();

  child(): ChannelChild {
    const chatId = this.next++;
    const sent = () => this.fake.sent.filter((m) => String(m.chat_id) === String(chatId));
    let last: (Record<string, unknown> & { update_id: number }) | null = null;
    const act = async (update: Record<string, unknown> & { update_id: number }) => {
      const before = sent().length;
      last = update;
      const res = await fetch(`${this.app.url}/webhooks/telegram`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET },
        body: JSON.stringify(update),
      });
      if (res.status !== 200) throw new Error(`telegram webhook answered ${res.status}`);
      await quiet(this.app, String(update.update_id), 'telegram', String(chatId), () => sent().length);
      return sent().slice(before).map((m) => m.text);
    };
    const keyboard = () => [...sent()].reverse().find((m) => m.reply_markup?.inline_keyboard?.length)?.reply_markup?.inline_keyboard?.flat() ?? [];
    return {
      says: (text) => act(this.builder.userSendsText(chatId, text)),
      chooses: (label) => {
        const button = keyboard().find((b) => b.text === label);
        if (!button?.callback_data) throw new Error(`telegram: no button "${label}" in ${JSON.stringify(keyboard().map((b) => b.text))}`);
        return act(this.builder.userPressesButton(chatId, button.callback_data));
      },
      repeatsLast: () => act(last!),
      options: () => keyboard().map((b) => b.text),
      heard: async () => sent().map((m) => m.text),
    };
  }
}

class ZaloDriver implements ChannelDriver {
  readonly channel = 'zalo' as const;
  readonly platform = true;
  private next = 0;
  constructor(
    private readonly app: App,
    private readonly fake: FakeZaloApi,
  ) {}

  refuseNextSend() {
    this.fake.failNextSends({ code: 403 });
  }
  failNextSends(n: number) {
    this.fake.failNextSends({ code: 502 }, n);
  }

  child(): ChannelChild {
    const chatId = `c${crypto.randomBytes(6).toString('hex')}${this.next++}`;
    const sent = () => this.fake.sent.filter((m) => m.chat_id === chatId);
    let last: ReturnType<FakeZaloApi['textUpdate']> | null = null;
    const act = async (update: ReturnType<FakeZaloApi['textUpdate']>) => {
      const before = sent().length;
      last = update;
      this.fake.push(update);
      await quiet(this.app, `${update.event_name}:${String(update.message?.message_id)}`, 'zalo', chatId, () => sent().length);
      return sent().slice(before).map((m) => m.text);
    };
    const lines = () => ([...sent()].reverse().find((m) => /^\d+\. /m.test(m.text))?.text ?? '').split('\n').filter((l) => /^\d+\. /.test(l));
    const says = (text: string) => act(this.fake.textUpdate(chatId, text));
    return {
      says,
      // Zalo has no buttons: the child types the option's number, or its words where it has none
      // (the age question's options, listed with "–": there a typed number is an age).
      chooses: (label) => {
        const unnumbered = ([...sent()].reverse().find((m) => /^\d+\. /m.test(m.text))?.text ?? '').split('\n').includes(`– ${label}`);
        if (unnumbered) return says(label);
        const line = lines().find((l) => l.slice(l.indexOf('. ') + 2) === label);
        if (!line) throw new Error(`zalo: no numbered option "${label}" in ${JSON.stringify(lines())}`);
        return says(line.slice(0, line.indexOf('.')));
      },
      repeatsLast: () => act(last!),
      options: () => lines().map((l) => l.slice(l.indexOf('. ') + 2)),
      heard: async () => sent().map((m) => m.text),
    };
  }
}

interface WebEntry {
  seq: number;
  from: 'child' | 'bot';
  text: string;
  options?: { id: string; label: string }[][];
}

class WebDriver implements ChannelDriver {
  readonly channel = 'web' as const;
  readonly platform = false;
  constructor(private readonly app: App) {}

  refuseNextSend() {
    throw new Error('the web chat has no platform that could refuse a send');
  }
  failNextSends() {
    throw new Error('the web chat has no platform that could fail');
  }

  child(): ChannelChild {
    const token = crypto.randomBytes(32).toString('base64url');
    let bot: WebEntry[] = [];
    let last: Record<string, unknown> | null = null;
    const read = async () => {
      const res = await fetch(`${this.app.url}/chat/api/messages?after=0`, { headers: { 'x-chat-session': token } });
      bot = ((await res.json()) as { messages: WebEntry[] }).messages.filter((e) => e.from === 'bot');
    };
    const act = async (body: Record<string, unknown>) => {
      await read();
      const before = bot.length;
      last = body;
      const res = await fetch(`${this.app.url}/chat/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-chat-session': token }, body: JSON.stringify(body) });
      if (res.status >= 300) throw new Error(`web chat answered ${res.status}`);
      const sessionKey = this.app.cipher.pseudonym('web', token);
      const transcripts = this.app.store.collection(WebTranscriptModel);
      await quiet(this.app, `${sessionKey}:${String(body.id)}`, 'web', token, () => transcripts.count({ sessionKey, from: 'bot' }));
      await read();
      return bot.slice(before).map((e) => e.text);
    };
    const options = () => [...bot].reverse().find((e) => e.options?.length)?.options?.flat() ?? [];
    const id = () => crypto.randomBytes(12).toString('base64url');
    return {
      says: (text) => act({ id: id(), text }),
      chooses: (label) => {
        const option = options().find((o) => o.label === label);
        if (!option) throw new Error(`web: no option "${label}" in ${JSON.stringify(options().map((o) => o.label))}`);
        return act({ id: id(), payload: option.id, label });
      },
      repeatsLast: () => act(last!),
      options: () => options().map((o) => o.label),
      heard: async () => {
        await read();
        return bot.map((e) => e.text);
      },
    };
  }
}
