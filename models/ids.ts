import crypto from 'node:crypto';

const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * `n` fresh bytes from the system's secure generator, drawn from a pool filled 4 KB at a time:
 * one call into the generator serves hundreds of ids and IVs (each call cost a turn ~20 µs).
 * Every byte is handed out once; a refill is a new buffer, so bytes already handed out never change.
 */
export function randomBytes(n: number): Buffer {
  if (n > POOL_SIZE) return crypto.randomBytes(n);
  if (offset + n > pool.length) {
    pool = crypto.randomFillSync(Buffer.allocUnsafe(POOL_SIZE));
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + n);
  offset += n;
  return bytes;
}

/** A new document id: 16 random bytes, URL-safe. Both engines use string ids. */
export const newId = () => randomBytes(16).toString('base64url');

let last = 0;
/**
 * A number that grows with every call in this process (milliseconds × 1000 plus a counter),
 * to order records written within the same millisecond.
 */
export function nextSeq(): number {
  const candidate = Date.now() * 1000;
  last = candidate > last ? candidate : last + 1;
  return last;
}
