/**
 * A local Telegram Bot API server for tests: real HTTP on 127.0.0.1, speaking the protocol as
 * telegraf (and our own polling loop) uses it. Updates are queued by the test and handed out by
 * `getUpdates` with the real confirmation rule (an offset confirms every update below it).
 *
 * The photos and voice notes its helpers send are real files (a tiny JPEG, an Ogg Opus note),
 * served by `getFile` and `/file/bot<token>/<file_path>` as the Bot API serves them.
 *
 * Protocol reference: https://core.telegram.org/bots/api#making-requests
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tinyJpeg, tinyOgg } from './media-files.js';

/** A sendMessage call as the server received it. */
export interface SentMessage {
  /** Normalised to a number when the chat id is an integer, as the Bot API does. */
  chat_id: number | string;
  text: string;
  /** `reply_markup` parsed from JSON whether it came as an object or a string. */
  reply_markup?: { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined;
  message_id: number;
}

/** One API call of any method, for assertions on what the client did. */
export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
}

/** A fault for the next sendMessage calls. */
export interface Fault {
  status: 500 | 502 | 429 | 403 | 400 | 404;
  /** Seconds, sent as `parameters.retry_after` (429). */
  retryAfter?: number;
  description?: string;
}

type Update = Record<string, unknown> & { update_id: number };
type Json = Record<string, unknown>;

const DEFAULT_DESCRIPTIONS: Record<Fault['status'], string> = {
  400: 'Bad Request: chat not found',
  403: 'Forbidden: bot was blocked by the user',
  404: 'Not Found',
  429: 'Too Many Requests: retry after 1',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

// The people in fixtures have names on purpose: the adapter must never carry them on.
const CHILD = { first_name: 'Lan', last_name: 'Nguyễn', username: 'lan_2011' };
const BOT = { id: 7000000001, is_bot: true, first_name: 'Hộp Thư Xanh', username: 'hop_thu_xanh_test_bot' };

/** A file the fake keeps: where getFile says it is, and its bytes. */
export interface FakeFile {
  path: string;
  bytes: Buffer;
}

interface PendingPoll {
  offset: number;
  limit: number;
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

export class FakeBotApi {
  readonly token = '7000000001:AAH-fake-token-for-tests-only_xyz';
  /** Every sendMessage call received, in order. */
  readonly sent: SentMessage[] = [];
  /** Every call of every method, in order. */
  readonly calls: ApiCall[] = [];
  /** The parameters of each getUpdates call, in order: proves acknowledgement order. */
  readonly getUpdatesCalls: { offset: number | undefined; timeout: number; limit: number }[] = [];
  readonly answeredCallbacks: string[] = [];
  /** The files children sent, by file_id. */
  readonly files = new Map<string, FakeFile>();
  /** The file paths downloaded from `/file/bot<token>/…`, in order. */
  readonly downloads: string[] = [];
  /** What setWebhook last set; null after deleteWebhook. */
  webhookSet: { url: string; secret_token?: string; allowed_updates?: unknown } | null = null;

  private server: Server | undefined;
  private port = 0;
  private queue: Update[] = [];
  private nextUpdateId = 100_000_001;
  private nextMessageId = 1;
  private faults: Fault[] = [];
  private pendingPoll: PendingPoll | undefined;
  private readonly sentListeners: ((message: SentMessage) => void)[] = [];

  /** e.g. `http://127.0.0.1:39127`. */
  get apiRoot(): string {
    if (!this.server) throw new Error('FakeBotApi is not started');
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.route(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    if (this.pendingPoll) this.answerPoll(this.pendingPoll, []);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Queues an update (an update_id is given when missing) and wakes a waiting getUpdates. */
  pushUpdate(update: Json): Update {
    const full: Update = { update_id: this.nextUpdateId++, ...update } as Update;
    this.queue.push(full);
    this.wakePoll();
    return full;
  }

  userSendsText(chatId: number, text: string): Update {
    const command = /^\/\w+/.exec(text);
    return this.pushUpdate({
      message: {
        ...this.baseMessage(chatId),
        text,
        ...(command ? { entities: [{ offset: 0, length: command[0].length, type: 'bot_command' }] } : {}),
      },
    });
  }

  userPressesButton(chatId: number, data: string): Update {
    return this.pushUpdate({
      callback_query: {
        id: `${4382000000000000 + this.nextUpdateId}`,
        from: this.child(chatId),
        message: {
          message_id: this.nextMessageId++,
          from: BOT,
          chat: this.chat(chatId),
          date: now(),
          text: 'Bạn muốn làm gì?',
          reply_markup: { inline_keyboard: [[{ text: 'Kể chuyện', callback_data: data }]] },
        },
        chat_instance: '-5290013254881216420',
        data,
      },
    });
  }

  /** Sends a photo in three sizes, each a real JPEG kept by the fake (see {@link files}). */
  userSendsPhoto(chatId: number, caption?: string): Update {
    const unique = `AQADfake${this.nextUpdateId}`;
    const size = (name: string, width: number, height: number) => {
      const file_id = `AgACAgUAAxkBAAM-${name}-${unique}`;
      const bytes = this.keepFile(file_id, `photos/file_${this.files.size}.jpg`, tinyJpeg(`${name} ${unique}`));
      return { file_id, file_unique_id: `${unique}-${name[0]}`, file_size: bytes.length, width, height };
    };
    return this.pushUpdate({
      message: {
        ...this.baseMessage(chatId),
        photo: [size('small', 90, 67), size('large', 1280, 960), size('medium', 320, 240)],
        ...(caption ? { caption } : {}),
      },
    });
  }

  /** Sends a voice note, a real Ogg Opus file kept by the fake. */
  userSendsVoice(chatId: number): Update {
    const file_id = `AwACAgUAAxkBAAM-voice-${this.nextUpdateId}`;
    const bytes = this.keepFile(file_id, `voice/file_${this.files.size}.oga`, tinyOgg());
    return this.pushUpdate({
      message: {
        ...this.baseMessage(chatId),
        voice: { duration: 4, mime_type: 'audio/ogg', file_id, file_unique_id: `AgAD-voice-${this.nextUpdateId}`, file_size: bytes.length },
      },
    });
  }

  /** Sends a sticker (Telegram's sticker object; the bot keeps it, it is no evidence). */
  userSendsSticker(chatId: number): Update {
    const file_id = `CAACAgIAAxkBAAM-sticker-${this.nextUpdateId}`;
    return this.pushUpdate({
      message: {
        ...this.baseMessage(chatId),
        sticker: { file_id, file_unique_id: `AgAD-sticker-${this.nextUpdateId}`, type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji: '😊' },
      },
    });
  }

  /** Keeps a file to be served by getFile and the file download; returns its bytes. */
  keepFile(fileId: string, path: string, bytes: Buffer): Buffer {
    this.files.set(fileId, { path, bytes });
    return bytes;
  }

  /** The largest size of the photo in an update made by {@link userSendsPhoto}. */
  largestPhotoOf(update: Update): FakeFile {
    const sizes = (update.message as { photo: { file_id: string; width: number }[] }).photo;
    const largest = sizes.reduce((a, b) => (b.width > a.width ? b : a));
    return this.files.get(largest.file_id)!;
  }

  /** Calls `listener` with every message sent from now on, as it arrives (the bench times replies by it). */
  onSent(listener: (message: SentMessage) => void): void {
    this.sentListeners.push(listener);
  }

  /** Makes the next `n` sendMessage calls fail with the Bot API's error body. */
  failNext(n: number, fault: Fault): void {
    for (let i = 0; i < n; i++) this.faults.push(fault);
  }

  /** Resolves with the chat's messages once `count` have arrived; throws a clear error on timeout. */
  async waitForMessages(chatId: number | string, count: number, timeoutMs = 2000): Promise<SentMessage[]> {
    const forChat = () => this.sent.filter((m) => String(m.chat_id) === String(chatId));
    await waitUntil(() => forChat().length >= count, timeoutMs, () => {
      const got = forChat();
      return `expected ${count} message(s) to chat ${chatId} within ${timeoutMs} ms, got ${got.length}: ${JSON.stringify(got.map((m) => m.text.slice(0, 40)))}`;
    });
    return forChat();
  }

  /** Updates still waiting for confirmation. */
  get pendingUpdates(): readonly Update[] {
    return this.queue;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (pathname.startsWith('/file/')) return this.download(pathname, res);
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(pathname);
    if (!match) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    if (match[1] !== this.token) return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    let params: Json;
    try {
      params = await readParams(req);
    } catch {
      return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: invalid request body' });
    }
    const method = match[2] ?? '';
    this.calls.push({ method, params });
    this.handle(method, params, res);
  }

  // https://core.telegram.org/bots/api#available-methods
  private handle(method: string, p: Json, res: ServerResponse): void {
    switch (method) {
      case 'getMe':
        return ok(res, { ...BOT, can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false });
      case 'getUpdates':
        return this.getUpdates(p, res);
      case 'deleteWebhook':
        this.webhookSet = null;
        if (bool(p.drop_pending_updates)) this.queue = [];
        return ok(res, true);
      case 'setWebhook':
        this.webhookSet = { url: String(p.url), ...(p.secret_token ? { secret_token: String(p.secret_token) } : {}), ...(p.allowed_updates ? { allowed_updates: parseMaybeJson(p.allowed_updates) } : {}) };
        return ok(res, true);
      case 'getWebhookInfo':
        return ok(res, { url: this.webhookSet?.url ?? '', has_custom_certificate: false, pending_update_count: this.queue.length });
      case 'sendMessage':
        return this.sendMessage(p, res);
      case 'answerCallbackQuery':
        this.answeredCallbacks.push(String(p.callback_query_id));
        return ok(res, true);
      case 'editMessageReplyMarkup':
        return ok(res, { message_id: Number(p.message_id), from: BOT, chat: this.chat(Number(p.chat_id)), date: now(), text: '…' });
      case 'sendChatAction':
      case 'setMyCommands':
        return ok(res, true);
      case 'getFile':
        return this.getFile(p, res);
      default:
        return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    }
  }

  // https://core.telegram.org/bots/api#getfile
  private getFile(p: Json, res: ServerResponse): void {
    const fileId = String(p.file_id ?? '');
    const file = this.files.get(fileId);
    if (!file) return badRequest(res, 'Bad Request: invalid file_id');
    ok(res, { file_id: fileId, file_unique_id: `u-${fileId.slice(-12)}`, file_size: file.bytes.length, file_path: file.path });
  }

  // https://core.telegram.org/bots/api#file: https://api.telegram.org/file/bot<token>/<file_path>
  private download(pathname: string, res: ServerResponse): void {
    const match = /^\/file\/bot([^/]+)\/(.+)$/.exec(pathname);
    const file = match && match[1] === this.token ? [...this.files.values()].find((f) => f.path === match[2]) : undefined;
    if (!file) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    this.downloads.push(file.path);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes.length }).end(file.bytes);
  }

  // https://core.telegram.org/bots/api#getupdates
  private getUpdates(p: Json, res: ServerResponse): void {
    const offset = p.offset === undefined ? undefined : Number(p.offset);
    const timeout = p.timeout === undefined ? 0 : Number(p.timeout);
    const limit = p.limit === undefined ? 100 : Number(p.limit);
    this.getUpdatesCalls.push({ offset, timeout, limit });
    if (this.webhookSet) {
      return reply(res, 409, { ok: false, error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" });
    }
    // Confirming: every update with an id below the offset is forgotten for good.
    if (offset !== undefined) this.queue = this.queue.filter((u) => u.update_id >= offset);
    // Only one long poll at a time, as on the real server: the older one is terminated.
    if (this.pendingPoll) {
      const older = this.pendingPoll;
      this.pendingPoll = undefined;
      clearTimeout(older.timer);
      reply(older.res, 409, { ok: false, error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' });
    }
    const poll: PendingPoll = { offset: offset ?? 0, limit, res, timer: setTimeout(() => this.answerPoll(poll, []), timeout * 1000) };
    if (this.queue.length > 0 || timeout <= 0) return this.answerPoll(poll, this.queue.slice(0, limit));
    this.pendingPoll = poll;
    // A client that gave up (aborted on stop) is no longer waiting.
    res.on('close', () => {
      if (this.pendingPoll === poll) {
        clearTimeout(poll.timer);
        this.pendingPoll = undefined;
      }
    });
  }

  private wakePoll(): void {
    const poll = this.pendingPoll;
    if (poll) this.answerPoll(poll, this.queue.slice(0, poll.limit));
  }

  private answerPoll(poll: PendingPoll, updates: Update[]): void {
    clearTimeout(poll.timer);
    if (this.pendingPoll === poll) this.pendingPoll = undefined;
    ok(poll.res, updates);
  }

  // https://core.telegram.org/bots/api#sendmessage
  private sendMessage(p: Json, res: ServerResponse): void {
    const fault = this.faults.shift();
    if (fault) {
      const description = fault.description ?? DEFAULT_DESCRIPTIONS[fault.status];
      const parameters = fault.retryAfter !== undefined ? { parameters: { retry_after: fault.retryAfter } } : {};
      return reply(res, fault.status, { ok: false, error_code: fault.status, description, ...parameters });
    }
    const text = typeof p.text === 'string' ? p.text : '';
    if (p.chat_id === undefined || p.chat_id === '') return badRequest(res, 'Bad Request: chat_id is empty');
    if (text.length === 0) return badRequest(res, 'Bad Request: message text is empty');
    if (text.length > 4096) return badRequest(res, 'Bad Request: message is too long');
    const markup = p.reply_markup === undefined ? undefined : (parseMaybeJson(p.reply_markup) as SentMessage['reply_markup']);
    const buttons = markup?.inline_keyboard?.flat() ?? [];
    if (buttons.some((b) => Buffer.byteLength(b.callback_data ?? '') > 64 || (b.callback_data ?? '').length === 0)) {
      return badRequest(res, 'Bad Request: BUTTON_DATA_INVALID');
    }
    const chatId = /^-?\d+$/.test(String(p.chat_id)) ? Number(p.chat_id) : String(p.chat_id);
    const message_id = this.nextMessageId++;
    const sent: SentMessage = { chat_id: chatId, text, reply_markup: markup, message_id };
    this.sent.push(sent);
    for (const listener of this.sentListeners) listener(sent);
    ok(res, { message_id, from: BOT, chat: this.chat(Number(chatId)), date: now(), text, ...(markup ? { reply_markup: markup } : {}) });
  }

  private baseMessage(chatId: number): Json {
    return { message_id: this.nextMessageId++, from: this.child(chatId), chat: this.chat(chatId), date: now() };
  }

  private child(chatId: number): Json {
    return { id: chatId, is_bot: false, ...CHILD, language_code: 'vi' };
  }

  private chat(chatId: number): Json {
    return { id: chatId, ...CHILD, type: 'private' };
  }
}

/** Polls `condition` every 10 ms; throws `describe()` when it has not held within `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs = 2000, describe: () => string = () => 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Reads JSON, form-urlencoded or multipart bodies, plus query parameters (GET). */
async function readParams(req: IncomingMessage): Promise<Json> {
  const url = new URL(req.url ?? '/', 'http://x');
  const params: Json = Object.fromEntries(url.searchParams);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  if (body.length === 0) return params;
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) return { ...params, ...(JSON.parse(body.toString('utf8')) as Json) };
  if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
    // The WHATWG Request parses both encodings, which spares the fake a multipart parser.
    const form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': type }, body }).formData();
    for (const [key, value] of form) params[key] = typeof value === 'string' ? value : `<file ${value.name}>`;
    return params;
  }
  throw new Error(`unsupported content-type ${type}`);
}

function parseMaybeJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

function bool(value: unknown): boolean {
  return value === true || value === 'true';
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function ok(res: ServerResponse, result: unknown): void {
  reply(res, 200, { ok: true, result });
}

function badRequest(res: ServerResponse, description: string): void {
  reply(res, 400, { ok: false, error_code: 400, description });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
