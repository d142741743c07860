import { Telegram, TelegramError } from 'telegraf';
import type { ChannelSender, DeliveryResult, OutboundMessage, OutboundOption } from '../channel.js';

/** The Bot API's longest message text, in UTF-16 code units: https://core.telegram.org/bots/api#sendmessage */
export const MAX_TEXT_LENGTH = 4096;
/** The Bot API's limit on a button's callback_data, in bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64;

/** The `signal` type telegraf's `callApi` declares (from the `abort-controller` polyfill). */
export type CallApiSignal = NonNullable<Parameters<Telegram['callApi']>[2]>['signal'];

/** Turns a native AbortSignal into the polyfill type telegraf declares; node-fetch accepts both. */
export function toCallApiSignal(signal: AbortSignal): CallApiSignal {
  return signal as unknown as CallApiSignal;
}

export interface TelegramClientOptions {
  /** From @BotFather, e.g. `123456:ABC-DEF…`. */
  token: string;
  /** Default `https://api.telegram.org`; tests point it at the local fake. */
  apiRoot?: string | undefined;
}

/** This module, for a thread that runs {@link TelegramSender} (outbox/sender-thread.ts). */
export const TELEGRAM_SENDER_MODULE = import.meta.url;

/** A telegraf Bot API client for the given root. */
export function createTelegramClient({ token, apiRoot }: TelegramClientOptions): Telegram {
  return new Telegram(token, apiRoot ? { apiRoot } : {});
}

export interface TelegramSenderOptions extends TelegramClientOptions {
  /**
   * Gives up on one API call after this many milliseconds (default 30 000) and reports a
   * retryable failure. telegraf's own limit is 500 s, far longer than an outbox run should wait.
   */
  requestTimeoutMs?: number | undefined;
}

/**
 * Sends outbound messages to Telegram: text with options as an inline keyboard, one keyboard row
 * per options row, each button's callback_data the option id. Texts longer than 4096 characters
 * go as several messages with the keyboard on the last. Plain text: no parse_mode, so a
 * counsellor's `<` or `*` is shown as typed.
 */
export class TelegramSender implements ChannelSender {
  readonly channel = 'telegram' as const;
  private readonly telegram: Telegram;
  private readonly requestTimeoutMs: number;

  constructor(options: TelegramSenderOptions) {
    this.telegram = createTelegramClient(options);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  async send(chatId: string, message: OutboundMessage): Promise<DeliveryResult> {
    const keyboard = toInlineKeyboard(message.options ?? []);
    if (!keyboard.ok) return { ok: false, permanent: true, error: keyboard.error };
    const chunks = splitText(message.text);
    for (const [i, text] of chunks.entries()) {
      const markup = i === chunks.length - 1 ? keyboard.markup : undefined;
      try {
        // https://core.telegram.org/bots/api#sendmessage
        await this.telegram.callApi(
          'sendMessage',
          { chat_id: chatId, text, ...(markup ? { reply_markup: markup } : {}) },
          { signal: toCallApiSignal(AbortSignal.timeout(this.requestTimeoutMs)) },
        );
      } catch (err) {
        // A failure after the first part of a split text means a retry repeats that part:
        // the DeliveryResult has no way to say "partly sent", and a repeat beats a loss.
        return toDeliveryFailure(err);
      }
    }
    return { ok: true };
  }
}

type InlineKeyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

// https://core.telegram.org/bots/api#inlinekeyboardmarkup
function toInlineKeyboard(rows: OutboundOption[][]): { ok: true; markup?: InlineKeyboard } | { ok: false; error: string } {
  const keyboard = rows.filter((row) => row.length > 0).map((row) => row.map((o) => ({ text: o.label, callback_data: o.id })));
  const tooLong = keyboard.flat().find((b) => Buffer.byteLength(b.callback_data, 'utf8') > MAX_CALLBACK_DATA_BYTES || b.callback_data === '');
  // An option id the platform cannot carry is our bug; sending it again would never work.
  if (tooLong) return { ok: false, error: `option id must be 1-${MAX_CALLBACK_DATA_BYTES} bytes for Telegram callback_data` };
  return keyboard.length > 0 ? { ok: true, markup: { inline_keyboard: keyboard } } : { ok: true };
}

/**
 * Splits a text into parts of at most `max` UTF-16 code units (what the Bot API counts),
 * preferring a line break, then a space, in the second half of each part, and never splitting
 * a surrogate pair.
 */
export function splitText(text: string, max = MAX_TEXT_LENGTH): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut >= max / 2) {
      parts.push(rest.slice(0, cut));
      rest = rest.slice(cut + 1); // the break itself is dropped
      continue;
    }
    cut = isHighSurrogate(rest.charCodeAt(max - 1)) ? max - 1 : max;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  parts.push(rest);
  return parts;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Classifies a failed Bot API call (https://core.telegram.org/bots/api#making-requests):
 * 429 is retried after `parameters.retry_after`; 5xx, network failures and timeouts are
 * retried; 401/404 mean our token is wrong — the bot's problem, not this message's — so the
 * message waits for the fix; any other refusal (400 chat not found, 403 bot blocked) is final.
 * The error text never includes the chat id, the message or the token.
 */
export function toDeliveryFailure(err: unknown): Extract<DeliveryResult, { ok: false }> {
  if (err instanceof TelegramError) {
    const error = `${err.code}: ${err.description}`;
    if (err.code === 429) {
      const retryAfter = err.parameters?.retry_after;
      return { ok: false, permanent: false, error, ...(retryAfter !== undefined ? { retryAfterMs: retryAfter * 1000 } : {}) };
    }
    const retryable = err.code >= 500 || err.code === 401 || err.code === 404;
    return { ok: false, permanent: !retryable, error };
  }
  return { ok: false, permanent: false, error: describeNetworkError(err) };
}

// node-fetch (inside telegraf) throws FetchError with a system `code` (ECONNREFUSED,
// ECONNRESET…) or a `type` (request-timeout, invalid-json), and AbortError on our timeout.
function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return 'unexpected: non-error thrown';
  if (err.name === 'AbortError') return 'network: timeout';
  const { code, type } = err as Error & { code?: unknown; type?: unknown };
  if (typeof code === 'string') return `network: ${code}`;
  if (typeof type === 'string') return `network: ${type}`;
  return `unexpected: ${err.name}`;
}
