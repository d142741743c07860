import type { ChannelSender, DeliveryResult, OutboundMessage, OutboundOption } from '../channel.js';
import { ZALO_MAX_TEXT_LENGTH, ZaloApiError, ZaloClient, type ZaloClientOptions } from './zalo.client.js';
import type { ZaloLogger } from './zalo.inbound.js';

export interface ZaloSenderOptions extends ZaloClientOptions {
  logger: ZaloLogger;
  /** Told when Zalo refuses our token (401), for the settings page. */
  onUnauthorized?: ((error: string) => void) | undefined;
}

/**
 * Sends outbound messages to Zalo. The Bot Platform has no buttons, so options become numbered
 * lines under the text ("1. …", "0. ☰ Về menu", "111. 🆘 Gọi 111"), which the child answers by
 * typing the number or the words. Texts over 2,000 characters go as several messages, split at
 * line or sentence boundaries, the options on the last.
 */
export class ZaloSender implements ChannelSender {
  readonly channel = 'zalo' as const;
  private readonly client: ZaloClient;

  constructor(private readonly options: ZaloSenderOptions) {
    this.client = new ZaloClient(options);
  }

  async send(chatId: string, message: OutboundMessage): Promise<DeliveryResult> {
    for (const text of splitText(withOptions(message), ZALO_MAX_TEXT_LENGTH)) {
      try {
        await this.client.sendMessage(chatId, text);
      } catch (err) {
        // A failure after the first part repeats that part on retry: a repeat beats a loss.
        return this.failure(err);
      }
    }
    return { ok: true };
  }

  private failure(err: unknown): DeliveryResult {
    if (!(err instanceof ZaloApiError)) return { ok: false, permanent: false, error: err instanceof Error ? err.name : 'send_failed' };
    if (err.unauthorized) {
      this.options.logger.error({ code: err.code }, 'ZALO REFUSED THE BOT TOKEN (401): check ZALO_BOT_TOKEN; messages wait in the outbox');
      this.options.onUnauthorized?.(err.message);
    }
    return { ok: false, permanent: !err.retryable, error: err.message, retryAfterMs: err.retryAfterMs };
  }
}

/**
 * The text with its options as numbered lines (one without a number is shown with a dash). A
 * list of places (`layout: 'areas'`) keeps to a few lines: Skip first, then the numbered names
 * three to a line, then Menu and 111.
 */
export function withOptions(message: OutboundMessage): string {
  const rows = message.options ?? [];
  if (!rows.flat().length) return message.text;
  const lines = message.layout === 'areas' ? rows.map((row) => row.map(optionLine).join('   ')) : rows.flat().map(optionLine);
  return `${message.text}\n\n${lines.join('\n')}`;
}

/** "1. label"; an option without a number says how to type it ("– Bỏ qua ⏭ (nhắn "bỏ qua")"). */
const optionLine = (o: OutboundOption) => (o.key ? `${o.key}. ${o.label}` : o.typed ? `– ${o.label} (${o.typed})` : `– ${o.label}`);

/**
 * Splits a text into parts of at most `max` characters: at the last line break that fits, else
 * after the last sentence that fits, else at the last space, else (one long word) anywhere.
 */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const cut = lastBoundary(window);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length || !parts.length) parts.push(rest);
  return parts.filter((p, i) => p.length > 0 || i === 0);
}

function lastBoundary(window: string): number {
  const half = Math.floor(window.length / 2);
  const line = window.lastIndexOf('\n');
  if (line >= half) return line + 1;
  const sentence = Math.max(...['. ', '! ', '? ', '… '].map((s) => window.lastIndexOf(s)));
  if (sentence >= half) return sentence + 2;
  const space = window.lastIndexOf(' ');
  return space > 0 ? space + 1 : window.length;
}
