/**
 * A local Zalo Bot Platform API server for tests: real HTTP on 127.0.0.1, speaking the protocol
 * as documented (shared docs `ZALO_BOT_API.md`): `POST /bot<TOKEN>/<method>` with JSON, answers
 * `{ok, result}` or `{ok:false, error_code, description}`. getUpdates hands out ONE update per
 * call and answers 408 when none came within `timeout` seconds, and refuses while a webhook is
 * set; sendMessage refuses texts over 2,000 characters. Photos and voice notes children send are
 * real files (a tiny JPEG, a tiny ADTS AAC) served at the URL given in the update; `voiceUpdate`
 * can also point at a file that is no recording (an HTML page) or one over the evidence limit.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tinyAac, tinyJpeg } from './media-files.js';

export interface ZaloSent {
  chat_id: string;
  text: string;
  message_id: string;
}

/** A fault for the next send calls: the HTTP status and Zalo's error_code. */
export interface ZaloFault {
  code: 400 | 401 | 403 | 404 | 408 | 429 | 500 | 502;
  description?: string;
  /** A network failure instead of an answer: the connection is destroyed. */
  drop?: boolean;
}

export type ZaloUpdate = { event_name: string; message?: Record<string, unknown> };

interface PendingPoll {
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

export class FakeZaloApi {
  readonly token = '1234567890:fake-zalo-token-for-tests';
  /** Every sendMessage accepted, in order. */
  readonly sent: ZaloSent[] = [];
  /** Every call of every method (name, parameters, when it arrived), in order. */
  readonly calls: { method: string; params: Record<string, unknown>; at: number }[] = [];
  /** getUpdates calls answered with an update, and with 408 (none came in time). */
  handedOut = 0;
  timeouts = 0;
  /** getUpdates calls that arrived while another was still waiting (two pollers at once). */
  overlappingPolls = 0;
  /** Paths of files downloaded, in order. */
  readonly downloads: string[] = [];
  webhook: { url: string; secret_token: string } | null = null;
  /** Fails every call with 401 while true (a reset token). */
  tokenRevoked = false;

  private server: Server | undefined;
  private port = 0;
  private queue: ZaloUpdate[] = [];
  private faults: ZaloFault[] = [];
  private pendingPoll: PendingPoll | undefined;

  get apiRoot(): string {
    if (!this.server) throw new Error('FakeZaloApi is not started');
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
    if (this.pendingPoll) this.answer(this.pendingPoll.res, 408, { ok: false, error_code: 408, description: 'Request timeout' });
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** True while a getUpdates call is waiting for an update. */
  get waiting(): boolean {
    return this.pendingPoll !== undefined;
  }

  /** Makes the next `n` sendMessage calls fail with `fault`. */
  failNextSends(fault: ZaloFault, n = 1): void {
    for (let i = 0; i < n; i++) this.faults.push(fault);
  }

  /** Queues an update for getUpdates (and wakes a waiting call). */
  push(update: ZaloUpdate): ZaloUpdate {
    this.queue.push(update);
    const poll = this.pendingPoll;
    if (poll) {
      this.pendingPoll = undefined;
      clearTimeout(poll.timer);
      this.handedOut++;
      this.answer(poll.res, 200, { ok: true, result: this.queue.shift() });
    }
    return update;
  }

  // --- What children do (updates as Zalo builds them; names on purpose: they must not travel on) ---

  textUpdate(chatId: string, text: string): ZaloUpdate {
    return this.update('message.text.received', chatId, { text });
  }

  imageUpdate(chatId: string, caption?: string): ZaloUpdate {
    return this.update('message.image.received', chatId, { photo: `${this.apiRoot}/files/photo-${randomBytes(4).toString('hex')}.jpg`, ...(caption ? { caption } : {}) });
  }

  /**
   * A voice note. Zalo documents no shape for `message.voice.received` (shared docs: seen only in
   * community code): the file's URL comes in `url`, as for stickers, or in `voice_url`.
   */
  voiceUpdate(chatId: string, options: { field?: 'url' | 'voice_url'; file?: 'voice' | 'page' | 'huge' } = {}): ZaloUpdate {
    const file = options.file ?? 'voice';
    const url = `${this.apiRoot}/files/${file}-${randomBytes(4).toString('hex')}.${file === 'page' ? 'html' : 'aac'}`;
    return this.update('message.voice.received', chatId, { [options.field ?? 'url']: url });
  }

  stickerUpdate(chatId: string): ZaloUpdate {
    return this.update('message.sticker.received', chatId, { sticker: 'bfe5c2d1a7e44ebd9b8b8f1e', url: 'https://zalo-api.zadn.vn/sticker.png' });
  }

  /** What Zalo sends for a child whose content it withholds: no text, nothing. */
  withheldUpdate(chatId: string): ZaloUpdate {
    return this.update('message.unsupported.received', chatId, {});
  }

  private update(event: string, chatId: string, fields: Record<string, unknown>): ZaloUpdate {
    // Zalo's samples differ: `display_name` (webhook docs) or `first_name` (getUpdates sample).
    const from = Number.parseInt(chatId.slice(-1), 16) % 2 ? { id: chatId, display_name: 'Lan Nguyễn', is_bot: false } : { id: chatId, first_name: 'Lan', is_bot: false };
    return {
      event_name: event,
      message: { from, chat: { id: chatId, chat_type: 'PRIVATE' }, message_id: randomBytes(16).toString('hex'), date: Date.now(), ...fields },
    };
  }

  // --- The server ---

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname.startsWith('/files/')) {
      this.downloads.push(url.pathname);
      const name = url.pathname.slice('/files/'.length);
      if (name.startsWith('voice-')) return void res.writeHead(200, { 'content-type': 'audio/aac' }).end(tinyAac());
      // An error page served as if it were the file: the evidence job must see it is no recording.
      if (name.startsWith('page-')) return void res.writeHead(200, { 'content-type': 'audio/aac' }).end('<!doctype html><p>File not found</p>');
      if (name.startsWith('huge-')) return void res.writeHead(200, { 'content-type': 'audio/aac' }).end(Buffer.concat([tinyAac(), Buffer.alloc(9 * 1024 * 1024)]));
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(tinyJpeg());
      return;
    }
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    if (!match || req.method !== 'POST') return this.answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method] = match as unknown as [string, string, string];
    const params = await readJson(req);
    this.calls.push({ method, params, at: Date.now() });
    if (token !== this.token || this.tokenRevoked) return this.answer(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    switch (method) {
      case 'getMe':
        return this.answer(res, 200, { ok: true, result: { id: '1234567890', account_name: 'bot.hopthuxanh', account_type: 'BASIC', can_join_groups: false } });
      case 'getUpdates':
        return this.getUpdates(res, params);
      case 'setWebhook':
        return this.setWebhook(res, params);
      case 'deleteWebhook':
        this.webhook = null;
        return this.answer(res, 200, { ok: true, result: { url: '', updated_at: Date.now() } });
      case 'getWebhookInfo':
        return this.answer(res, 200, { ok: true, result: { url: this.webhook?.url ?? '', updated_at: Date.now() } });
      case 'sendMessage':
      case 'sendPhoto':
        return this.send(req, res, method, params);
      case 'sendChatAction':
        return this.answer(res, 200, { ok: true });
      default:
        return this.answer(res, 400, { ok: false, error_code: 400, description: 'Invalid API name' });
    }
  }

  private getUpdates(res: ServerResponse, params: Record<string, unknown>) {
    if (this.webhook) return this.answer(res, 400, { ok: false, error_code: 400, description: 'Webhook is set: getUpdates is not available' });
    const next = this.queue.shift();
    if (next) {
      this.handedOut++;
      return this.answer(res, 200, { ok: true, result: next });
    }
    const seconds = Number(params.timeout ?? 30);
    if (this.pendingPoll) this.overlappingPolls++;
    if (this.pendingPoll) this.answer(this.pendingPoll.res, 408, { ok: false, error_code: 408, description: 'Request timeout' });
    const timer = setTimeout(() => {
      if (this.pendingPoll?.res === res) this.pendingPoll = undefined;
      this.timeouts++;
      this.answer(res, 408, { ok: false, error_code: 408, description: 'Request timeout' });
    }, seconds * 1000);
    this.pendingPoll = { res, timer };
    res.on('close', () => {
      clearTimeout(timer);
      if (this.pendingPoll?.res === res) this.pendingPoll = undefined;
    });
  }

  private setWebhook(res: ServerResponse, params: Record<string, unknown>) {
    const { url, secret_token } = params;
    if (typeof url !== 'string' || !url.startsWith('https://')) return this.answer(res, 400, { ok: false, error_code: 400, description: 'url must be https' });
    if (typeof secret_token !== 'string' || secret_token.length < 8 || secret_token.length > 256) return this.answer(res, 400, { ok: false, error_code: 400, description: 'secret_token must be 8-256 characters' });
    this.webhook = { url, secret_token };
    return this.answer(res, 200, { ok: true, result: { url, updated_at: Date.now() } });
  }

  private send(req: IncomingMessage, res: ServerResponse, method: string, params: Record<string, unknown>) {
    const fault = this.faults.shift();
    if (fault?.drop) return void req.socket.destroy();
    if (fault) return this.answer(res, fault.code, { ok: false, error_code: fault.code, description: fault.description ?? `error ${fault.code}` });
    const chatId = params.chat_id;
    const text = method === 'sendMessage' ? params.text : (params.caption ?? '');
    if (typeof chatId !== 'string' || !chatId) return this.answer(res, 400, { ok: false, error_code: 400, description: 'chat_id is required' });
    if (typeof text !== 'string' || (method === 'sendMessage' && text.length === 0) || text.length > 2000) {
      return this.answer(res, 400, { ok: false, error_code: 400, description: 'text must be 1-2000 characters' });
    }
    const message_id = randomBytes(16).toString('hex');
    this.sent.push({ chat_id: chatId, text, message_id });
    return this.answer(res, 200, { ok: true, result: { message_id, date: Date.now() } });
  }

  private answer(res: ServerResponse, status: number, body: unknown) {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
