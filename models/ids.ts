import crypto from 'node:crypto';

/** A new document id: 16 random bytes, URL-safe. Both engines use string ids. */
export const newId = () => crypto.randomBytes(16).toString('base64url');

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
