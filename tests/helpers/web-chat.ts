import crypto from 'node:crypto';

/** One web-chat transcript entry as `GET /chat/api/messages` returns it. */
export interface Entry {
  seq: number;
  from: 'child' | 'bot';
  text: string;
  options?: { id: string; label: string }[][];
}

/** A new browser session token, as the page makes it. */
export const newSession = () => crypto.randomBytes(32).toString('base64url');
/** A new message id, as the page makes it. */
export const newId = () => crypto.randomBytes(12).toString('base64url');

/** Polls `read` until `done` holds, failing with the last value after `timeoutMs`. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(value).slice(0, 500)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
