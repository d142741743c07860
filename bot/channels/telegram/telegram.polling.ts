import { setTimeout as sleep } from 'node:timers/promises';
import { TelegramError, type Telegram } from 'telegraf';
import { z } from 'zod';
import type { InboundSink } from '../channel.js';
import { TELEGRAM_ALLOWED_UPDATES, telegramUpdateSchema, toInboundMessage, type TelegramLogger } from './telegram.inbound.js';
import { createTelegramClient, toCallApiSignal } from './telegram.sender.js';

export interface TelegramPollingOptions {
  token: string;
  /** Default `https://api.telegram.org`. */
  apiRoot?: string | undefined;
  /** Resolves once the update is stored; only then is it acknowledged to Telegram. */
  sink: InboundSink;
  logger: TelegramLogger;
  /** Seconds Telegram holds an empty getUpdates open (default 50, as telegraf). */
  pollTimeoutSeconds?: number | undefined;
  /** First wait after a failure, doubled on each further failure up to `maxBackoffMs` (defaults 1 000 and 30 000 ms). */
  backoffMs?: number | undefined;
  maxBackoffMs?: number | undefined;
}

/** A running polling loop. */
export interface TelegramPolling {
  /** Stops fetching, lets the update in hand finish storing, acknowledges what was stored. */
  stop(): Promise<void>;
  /** Settles when the loop ends: resolves after `stop()`, rejects when Telegram refuses our token. */
  readonly done: Promise<void>;
}

// https://core.telegram.org/bots/api#getupdates
const updatesSchema = z.array(telegramUpdateSchema);

/**
 * Receives updates by long polling. An update is acknowledged (by asking for the next offset)
 * only after `sink` resolved for it; when the sink throws, the loop waits and fetches the same
 * update again. Updates are handled one at a time, in order, so a child's messages stay in
 * sequence.
 *
 * Our own loop rather than telegraf's `launch()`: telegraf moves its offset past a batch as soon
 * as it is fetched and handles the batch in parallel. When a handler throws, its polling stops
 * and confirms that offset on the way out (and with `bot.catch` the next getUpdates confirms it):
 * either way the failed update is lost.
 */
export async function startTelegramPolling(options: TelegramPollingOptions): Promise<TelegramPolling> {
  const telegram = createTelegramClient(options);
  // Telegram refuses getUpdates while a webhook is set; pending updates are kept.
  await telegram.callApi('deleteWebhook', { drop_pending_updates: false });
  const loop = new PollingLoop(telegram, options);
  const done = loop.run();
  done.catch(() => undefined); // the caller observes `done`; no unhandled rejection meanwhile
  return {
    done,
    async stop() {
      loop.stop();
      await done.catch(() => undefined);
    },
  };
}

class PollingLoop {
  private readonly abort = new AbortController();
  /** The next update id to ask for; every id below it has been stored. */
  private offset: number | undefined;
  /** The offset Telegram last heard, i.e. what it has confirmed. */
  private confirmed: number | undefined;
  /** Consecutive failures, per kind, for the backoff: a store that keeps failing waits longer. */
  private readonly failures = { fetch: 0, store: 0 };

  constructor(
    private readonly telegram: Telegram,
    private readonly options: TelegramPollingOptions,
  ) {}

  stop(): void {
    this.abort.abort();
  }

  async run(): Promise<void> {
    try {
      while (!this.abort.signal.aborted) {
        const updates = await this.fetch();
        if (updates) await this.handle(updates);
      }
    } finally {
      await this.confirmStored();
    }
  }

  /** One getUpdates call; `null` after a failure that is worth waiting out. */
  private async fetch(): Promise<z.infer<typeof updatesSchema> | null> {
    const timeout = this.options.pollTimeoutSeconds ?? 50;
    // Aborted by stop(), or when a silently dropped connection would hang for telegraf's 500 s.
    // A controller per call leaves nothing registered on the long-lived stop signal.
    const call = new AbortController();
    const timer = setTimeout(() => call.abort(), (timeout + 15) * 1000);
    const onStop = () => call.abort();
    this.abort.signal.addEventListener('abort', onStop, { once: true });
    try {
      const result = await this.telegram.callApi(
        'getUpdates',
        { timeout, allowed_updates: TELEGRAM_ALLOWED_UPDATES, ...(this.offset !== undefined ? { offset: this.offset } : {}) },
        { signal: toCallApiSignal(call.signal) },
      );
      this.confirmed = this.offset;
      this.failures.fetch = 0;
      return updatesSchema.parse(result);
    } catch (err) {
      if (this.abort.signal.aborted) return null;
      if (err instanceof TelegramError && (err.code === 401 || err.code === 404)) throw err; // wrong token: nothing to wait for
      const retryAfter = err instanceof TelegramError ? err.parameters?.retry_after : undefined;
      this.options.logger.warn({ error: describe(err) }, 'telegram getUpdates failed; retrying');
      await this.backoff('fetch', retryAfter !== undefined ? retryAfter * 1000 : undefined);
      return null;
    } finally {
      clearTimeout(timer);
      this.abort.signal.removeEventListener('abort', onStop);
    }
  }

  private async handle(updates: z.infer<typeof updatesSchema>): Promise<void> {
    for (const update of updates) {
      // Finish the update in hand on stop (its sink call is not aborted), but take no new one.
      if (this.abort.signal.aborted) return;
      if (!(await this.deliver(update))) {
        // Leave the offset here: the next getUpdates returns this update again.
        await this.backoff('store');
        return;
      }
      this.failures.store = 0;
      this.offset = update.update_id + 1;
    }
  }

  /** Hands one update to the sink; false when it was not stored. */
  private async deliver(update: unknown): Promise<boolean> {
    const message = toInboundMessage(update, this.options.logger);
    if (!message) return true;
    try {
      await this.options.sink(message);
    } catch (err) {
      this.options.logger.error({ error: describe(err) }, 'telegram update not stored; it will be fetched again');
      return false;
    }
    if (message.ackId) {
      // Stops the button's spinner; the child's press is already stored, so a failure here is cosmetic.
      await this.telegram
        .callApi('answerCallbackQuery', { callback_query_id: message.ackId }, { signal: toCallApiSignal(AbortSignal.timeout(10_000)) })
        .catch((err: unknown) => this.options.logger.debug({ error: describe(err) }, 'answerCallbackQuery failed'));
    }
    return true;
  }

  private async backoff(kind: 'fetch' | 'store', waitMs?: number): Promise<void> {
    const base = this.options.backoffMs ?? 1000;
    const max = this.options.maxBackoffMs ?? 30_000;
    const ms = waitMs ?? Math.min(max, base * 2 ** this.failures[kind]);
    this.failures[kind]++;
    await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }

  /** On the way out, tell Telegram about updates stored since the last fetch (best effort). */
  private async confirmStored(): Promise<void> {
    if (this.offset === undefined || this.offset === this.confirmed) return;
    await this.telegram
      .callApi('getUpdates', { offset: this.offset, limit: 1, timeout: 0 }, { signal: toCallApiSignal(AbortSignal.timeout(5000)) })
      .catch((err: unknown) => this.options.logger.warn({ error: describe(err) }, 'telegram offset not confirmed on stop; stored updates will repeat'));
  }
}

/** Names an error for logs without its message, which may quote the update's content. */
function describe(err: unknown): string {
  if (err instanceof TelegramError) return `${err.code}: ${err.description}`;
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    return typeof code === 'string' ? `${err.name} ${code}` : err.name;
  }
  return typeof err;
}
