import axios, { type AxiosInstance } from 'axios';
import { z } from 'zod';

/** Zalo Bot Platform API root (docs: bot.zaloplatforms.com/docs); a method is `<root>/bot<TOKEN>/<method>`. */
export const ZALO_DEFAULT_API_ROOT = 'https://bot-api.zaloplatforms.com';
/** The longest text sendMessage takes. */
export const ZALO_MAX_TEXT_LENGTH = 2000;

export interface ZaloClientOptions {
  /** `<id>:<secret>` from Zalo Bot Creator. */
  token: string;
  /** Default {@link ZALO_DEFAULT_API_ROOT}; tests point it at the local fake. */
  apiRoot?: string | undefined;
  /** Gives up on one call after this many milliseconds (default 30 000; getUpdates adds its own wait). */
  requestTimeoutMs?: number | undefined;
}

/**
 * A refusal or failure of a Zalo call. `code` is Zalo's `error_code` (or the HTTP status, or 0
 * for a network failure). 408 (no update / timeout), 429 and 5xx and network failures are worth
 * another try; 401 means our token is wrong — retried too, since an admin may fix it, but loud;
 * 400, 403 and 404 are final for that message. The message never holds the token.
 */
export class ZaloApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly retryAfterMs?: number | undefined,
  ) {
    super(`zalo ${code}: ${description}`);
    this.name = 'ZaloApiError';
  }
  get retryable(): boolean {
    return !(this.code === 400 || this.code === 403 || this.code === 404);
  }
  get unauthorized(): boolean {
    return this.code === 401;
  }
}

// {ok, result, description?, error_code?}
const envelopeSchema = z.object({
  ok: z.boolean(),
  result: z.unknown().optional(),
  description: z.string().optional(),
  error_code: z.number().int().optional(),
  parameters: z.object({ retry_after: z.number().optional() }).optional(),
});

const sentSchema = z.looseObject({ message_id: z.union([z.string(), z.number()]).transform(String).optional(), date: z.number().optional() });
const webhookSchema = z.looseObject({ url: z.string(), updated_at: z.number().optional() });
const meSchema = z.looseObject({ id: z.union([z.string(), z.number()]).transform(String), account_name: z.string().optional(), account_type: z.string().optional() });

export type ZaloSent = z.infer<typeof sentSchema>;
export type ZaloWebhookInfo = z.infer<typeof webhookSchema>;
export type ZaloMe = z.infer<typeof meSchema>;

/**
 * A typed client of the Zalo Bot Platform API over axios: every method POSTs JSON and reads the
 * `{ok, result}` envelope with zod; a failure becomes a {@link ZaloApiError}. No SDK.
 */
export class ZaloClient {
  private readonly http: AxiosInstance;
  private readonly timeoutMs: number;

  constructor(options: ZaloClientOptions) {
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.http = axios.create({
      baseURL: `${(options.apiRoot ?? ZALO_DEFAULT_API_ROOT).replace(/\/+$/, '')}/bot${options.token}/`,
      headers: { 'content-type': 'application/json' },
      // Every status is read here: Zalo's envelope says more than the status line.
      validateStatus: () => true,
      maxContentLength: 1024 * 1024,
      proxy: false,
    });
  }

  getMe(): Promise<ZaloMe> {
    return this.call('getMe', {}, meSchema);
  }

  /** One update, or `null` when none came within `timeoutSeconds` (Zalo answers 408). */
  async getUpdates(timeoutSeconds: number, signal?: AbortSignal): Promise<unknown> {
    try {
      return await this.call('getUpdates', { timeout: String(timeoutSeconds) }, z.unknown(), signal, (timeoutSeconds + 15) * 1000);
    } catch (err) {
      if (err instanceof ZaloApiError && err.code === 408) return null;
      throw err;
    }
  }

  setWebhook(url: string, secretToken: string): Promise<ZaloWebhookInfo> {
    return this.call('setWebhook', { url, secret_token: secretToken }, webhookSchema);
  }

  deleteWebhook(): Promise<ZaloWebhookInfo> {
    return this.call('deleteWebhook', {}, webhookSchema);
  }

  getWebhookInfo(): Promise<ZaloWebhookInfo> {
    return this.call('getWebhookInfo', {}, webhookSchema);
  }

  sendMessage(chatId: string, text: string): Promise<ZaloSent> {
    return this.call('sendMessage', { chat_id: chatId, text }, sentSchema);
  }

  /** `photo` is an image URL. */
  sendPhoto(chatId: string, photo: string, caption?: string): Promise<ZaloSent> {
    return this.call('sendPhoto', { chat_id: chatId, photo, ...(caption ? { caption } : {}) }, sentSchema);
  }

  async sendChatAction(chatId: string, action: 'typing' | 'upload_photo'): Promise<void> {
    await this.call('sendChatAction', { chat_id: chatId, action }, z.unknown());
  }

  private async call<T extends z.ZodType>(method: string, params: Record<string, unknown>, schema: T, signal?: AbortSignal, timeoutMs = this.timeoutMs): Promise<z.infer<T>> {
    let status: number;
    let data: unknown;
    try {
      const timeout = AbortSignal.timeout(timeoutMs);
      const res = await this.http.post(method, params, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      ({ status, data } = res);
    } catch (err) {
      // axios's error holds the URL, and so the token: only its code is kept.
      throw new ZaloApiError(0, `network: ${(err as { code?: string }).code ?? (err instanceof Error ? err.name : 'error')}`);
    }
    const envelope = envelopeSchema.safeParse(data);
    if (!envelope.success) throw new ZaloApiError(status >= 400 ? status : 502, `unreadable answer (HTTP ${status})`);
    const { ok, result, description, error_code, parameters } = envelope.data;
    if (!ok || status >= 400) {
      const retryAfter = parameters?.retry_after;
      throw new ZaloApiError(error_code ?? (status >= 400 ? status : 500), (description ?? 'error').slice(0, 200), retryAfter !== undefined ? retryAfter * 1000 : undefined);
    }
    const parsed = schema.safeParse(result);
    if (!parsed.success) throw new ZaloApiError(502, `unexpected ${method} result`);
    return parsed.data;
  }
}
