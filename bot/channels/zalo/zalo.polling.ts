import { setTimeout as sleep } from 'node:timers/promises';
import type { InboundMessage, InboundSink } from '../channel.js';
import { ZaloApiError, ZaloClient, type ZaloClientOptions } from './zalo.client.js';
import { toInboundMessage, zaloBodySchema, type ZaloLogger } from './zalo.inbound.js';

export interface ZaloPollingOptions extends ZaloClientOptions {
  sink: InboundSink;
  sealRef: (url: string) => string;
  logger: ZaloLogger;
  /** Seconds Zalo holds an empty getUpdates open (default 20: Zalo's is 30, but stopping waits for the call). */
  pollTimeoutSeconds?: number | undefined;
  /** First wait after a failure, doubled up to `maxBackoffMs` (defaults 1 000 and 30 000 ms). */
  backoffMs?: number | undefined;
  maxBackoffMs?: number | undefined;
  /** Told of a problem reaching Zalo (null once it works again), for the settings page. */
  onProblem?: ((error: string | null) => void) | undefined;
}

export interface ZaloPolling {
  /** Stops fetching: the getUpdates call in flight is waited for (at most its timeout), and its update stored. */
  stop(): Promise<void>;
  readonly done: Promise<void>;
}

/**
 * Receives updates by polling: Zalo's getUpdates returns one update per call, and 408 when none
 * came. There is no offset to confirm: an update Zalo handed out is not handed out again, so it
 * is stored before the next call, retried with backoff until the store takes it. Network
 * failures, 408, 429 and 5xx are waited out; 401 (a wrong token) too, loudly, since an admin may
 * fix it without a restart. Zalo hands each update to one getUpdates call only: the composition
 * root runs this loop in one instance at a time, by lease (`runWhileLeased`), as for Telegram.
 */
export async function startZaloPolling(options: ZaloPollingOptions): Promise<ZaloPolling> {
  const loop = new ZaloPollingLoop(new ZaloClient(options), options);
  const done = loop.run();
  done.catch(() => undefined);
  return {
    done,
    async stop() {
      loop.stop();
      await done.catch(() => undefined);
    },
  };
}

class ZaloPollingLoop {
  private readonly abort = new AbortController();
  private failures = 0;
  private webhookCleared = false;
  /** Unknown at start: the first call's outcome is reported, clearing a problem left by an earlier run. */
  private problem: string | null | undefined = undefined;

  constructor(
    private readonly client: ZaloClient,
    private readonly options: ZaloPollingOptions,
  ) {}

  stop() {
    this.abort.abort();
  }

  async run(): Promise<void> {
    while (!this.aborted) {
      const update = await this.fetch();
      if (update) await this.store(update);
    }
  }

  private get aborted() {
    return this.abort.signal.aborted;
  }

  /** One getUpdates call; null for no update (408) or after a failure waited out. */
  private async fetch(): Promise<InboundMessage | null> {
    try {
      if (!this.webhookCleared) {
        // getUpdates and a webhook exclude each other.
        await this.client.deleteWebhook();
        this.webhookCleared = true;
      }
      // Not aborted on stop: Zalo has no offset to confirm, so an update handed to a call we
      // walked away from would be lost. Stopping waits for the call instead (at most its timeout).
      const raw = await this.client.getUpdates(this.options.pollTimeoutSeconds ?? 20);
      this.failures = 0;
      this.setProblem(null);
      if (raw === null) return null;
      const body = zaloBodySchema.safeParse(raw);
      if (!body.success) {
        this.options.logger.warn({ reason: 'not_an_update' }, 'zalo getUpdates returned something unreadable');
        return null;
      }
      return toInboundMessage(body.data, this.options.sealRef, this.options.logger);
    } catch (err) {
      if (this.aborted) return null;
      const zalo = err instanceof ZaloApiError ? err : null;
      if (zalo?.unauthorized) this.options.logger.error({ code: 401 }, 'ZALO REFUSED THE BOT TOKEN (401): check ZALO_BOT_TOKEN; polling keeps trying');
      else this.options.logger.warn({ error: zalo?.message ?? (err instanceof Error ? err.name : typeof err) }, 'zalo getUpdates failed; retrying');
      this.setProblem(zalo?.message ?? 'network error');
      await this.backoff(zalo?.retryAfterMs);
      return null;
    }
  }

  /** Stores the update, trying again until the store takes it (or the loop stops). */
  private async store(message: InboundMessage): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.sink(message);
        return;
      } catch (err) {
        this.options.logger.error({ error: err instanceof Error ? err.name : typeof err, attempt }, 'zalo update not stored yet; retrying');
        if (this.aborted && attempt >= 2) return;
        await sleep(Math.min(this.options.maxBackoffMs ?? 30_000, (this.options.backoffMs ?? 1000) * 2 ** attempt));
      }
    }
  }

  private setProblem(problem: string | null) {
    if (problem === this.problem) return;
    this.problem = problem;
    this.options.onProblem?.(problem);
  }

  private async backoff(waitMs?: number) {
    const base = this.options.backoffMs ?? 1000;
    const ms = waitMs ?? Math.min(this.options.maxBackoffMs ?? 30_000, base * 2 ** this.failures);
    this.failures++;
    await this.wait(ms);
  }

  private async wait(ms: number) {
    await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }
}
