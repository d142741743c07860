import axios from 'axios';
import type { FileFetch, FileSource } from '../../../cases/evidence.service.js';

export interface ZaloFilesOptions {
  /** Opens a reference made by the adapter's `sealRef` back into the file's URL. */
  unsealRef: (ref: string) => string;
  /** Accept `http:` URLs too (only for a local fake Zalo in tests); default https only. */
  allowHttp?: boolean | undefined;
  requestTimeoutMs?: number | undefined;
}

/**
 * Downloads the photos and voice notes children send through Zalo, from the URL Zalo gives in
 * the update, for the evidence job. Only https URLs; the body is read up to the size limit and
 * no further (the evidence service then checks the type by the file's own bytes). 408, 429, 5xx
 * and network failures are worth another try; anything else (an expired link) is final.
 */
export class ZaloFiles implements FileSource {
  readonly channel = 'zalo' as const;

  constructor(private readonly options: ZaloFilesOptions) {}

  async fetch(ref: string, maxBytes: number): Promise<FileFetch> {
    let url: URL;
    try {
      url = new URL(this.options.unsealRef(ref));
    } catch {
      return { ok: false, permanent: true, error: 'unreadable file reference' };
    }
    if (url.protocol !== 'https:' && !(this.options.allowHttp && url.protocol === 'http:')) return { ok: false, permanent: true, error: 'file URL is not https' };
    try {
      const res = await axios.get<ArrayBuffer>(url.toString(), {
        responseType: 'arraybuffer',
        maxContentLength: maxBytes,
        maxRedirects: 3,
        timeout: this.options.requestTimeoutMs ?? 60_000,
        validateStatus: () => true,
        proxy: false,
      });
      if (res.status >= 400) {
        const retry = res.status >= 500 || res.status === 429 || res.status === 408;
        return { ok: false, permanent: !retry, error: `download: HTTP ${res.status}` };
      }
      return { ok: true, bytes: Buffer.from(res.data) };
    } catch (err) {
      // The message would hold the URL: only the code is kept.
      const code = (err as { code?: string }).code;
      if (code === 'ERR_BAD_RESPONSE' || /maxContentLength/.test(err instanceof Error ? err.message : '')) return { ok: false, permanent: true, error: 'file_too_large' };
      return { ok: false, permanent: false, error: `network: ${code ?? 'error'}` };
    }
  }
}
