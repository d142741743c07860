import type { Telegram } from 'telegraf';
import { z } from 'zod';
import type { FileFetch, FileSource } from '../../../cases/evidence.service.js';
import { createTelegramClient, toCallApiSignal, toDeliveryFailure, type TelegramClientOptions } from './telegram.sender.js';

/** Bots may download files of up to 20 MB: https://core.telegram.org/bots/api#getfile */
export const TELEGRAM_MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

// https://core.telegram.org/bots/api#file — `file_path` is missing when the file cannot be downloaded.
const fileSchema = z.object({ file_size: z.number().int().nonnegative().optional(), file_path: z.string().min(1).optional() });
// A relative path such as `photos/file_12.jpg`; anything else is not put in a URL.
const FILE_PATH = /^(?!.*\.\.)[\w][\w./-]*$/;

export interface TelegramFilesOptions extends TelegramClientOptions {
  /** Gives up on one call (getFile, or the download) after this many milliseconds (default 60 000). */
  requestTimeoutMs?: number | undefined;
}

/**
 * Downloads the files children send the bot (photos, voice notes), by file_id: getFile, then
 * `<apiRoot>/file/bot<token>/<file_path>`. Failures are classified like sends: network, 5xx,
 * 429, and 401/404 (a wrong token, an expired download link) are worth another try; any other
 * refusal is final. A self-hosted Bot API server in `--local` mode answers getFile with a path
 * on its own disk instead, which this does not read.
 */
export class TelegramFiles implements FileSource {
  readonly channel = 'telegram' as const;
  private readonly telegram: Telegram;
  private readonly fileRoot: string;
  private readonly timeoutMs: number;

  constructor(options: TelegramFilesOptions) {
    this.telegram = createTelegramClient(options);
    this.fileRoot = `${(options.apiRoot ?? 'https://api.telegram.org').replace(/\/+$/, '')}/file/bot${options.token}`;
    this.timeoutMs = options.requestTimeoutMs ?? 60_000;
  }

  async fetch(fileId: string, maxBytes: number): Promise<FileFetch> {
    let file: z.infer<typeof fileSchema>;
    try {
      const result = await this.telegram.callApi('getFile', { file_id: fileId }, { signal: toCallApiSignal(AbortSignal.timeout(this.timeoutMs)) });
      file = fileSchema.parse(result);
    } catch (err) {
      return toDeliveryFailure(err);
    }
    if (!file.file_path || !FILE_PATH.test(file.file_path)) return { ok: false, permanent: true, error: 'getFile: no downloadable file_path' };
    if ((file.file_size ?? 0) > Math.min(maxBytes, TELEGRAM_MAX_DOWNLOAD_BYTES)) return { ok: false, permanent: true, error: 'file_too_large' };
    return this.download(file.file_path, maxBytes);
  }

  private async download(filePath: string, maxBytes: number): Promise<FileFetch> {
    let res: Response;
    try {
      res = await fetch(`${this.fileRoot}/${filePath}`, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      // The error's message may hold the URL, and so the token: only its name is kept.
      return { ok: false, permanent: false, error: `network: ${err instanceof Error ? err.name : 'error'}` };
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      const retry = res.status >= 500 || res.status === 429 || res.status === 401 || res.status === 404;
      return { ok: false, permanent: !retry, error: `download: HTTP ${res.status}` };
    }
    const bytes = await readAtMost(res, maxBytes).catch(() => null);
    if (bytes === null) return { ok: false, permanent: false, error: 'download: interrupted' };
    if (bytes === 'too_large') return { ok: false, permanent: true, error: 'file_too_large' };
    return { ok: true, bytes };
  }
}

/** The body, or `too_large` as soon as it passes `max` bytes (the rest is not read). */
async function readAtMost(res: Response, max: number): Promise<Buffer | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks, size);
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return 'too_large';
    }
    chunks.push(Buffer.from(value));
  }
}
