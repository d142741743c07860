import { normalizeText } from '../risk/risk-detector.js';

/** What a message typed at "your phone number or e-mail" comes to. */
export type ContactDetailsReading =
  | { kind: 'phone' | 'email'; value: string; rest: string }
  | { kind: 'bad_phone' }
  | { kind: 'none' };

const EMAIL = /[^\s@,;:]+@[^\s@,;:]+\.[a-z]{2,}/i;
/** A run of digits with the separators people type inside a phone number. */
const NUMBERISH = /\+?\d[\d\s.\-()]{5,18}\d/;
/** Words around a number that say nothing more ("số của em là …", "sđt: …"), without diacritics. */
const FILLER = new Set(['so', 'sdt', 'dt', 'dien', 'thoai', 'phone', 'number', 'email', 'mail', 'cua', 'em', 'la', 'minh', 'day', 'nha', 'nhe', 'a', 'my', 'is', 'here', 'it', 's']);

/**
 * A Vietnamese phone number as typed ("0912 345 678", "0912.345.678", "+84 912 345 678",
 * "84912345678"): 10 digits starting with 0, or +84 and 9 digits. Returned in its 0… form.
 */
export function vietnamesePhone(typed: string): string | null {
  const digits = typed.replace(/[\s.\-()]/g, '');
  const national = /^0([2-9]\d{8})$/.exec(digits)?.[1] ?? /^\+?84([2-9]\d{8})$/.exec(digits)?.[1];
  return national ? `0${national}` : null;
}

/**
 * Reads a phone number or e-mail address out of a message. What the message says besides it
 * comes back as `rest`, so that none of the child's words are lost.
 */
export function readContactDetails(text: string): ContactDetailsReading {
  const email = EMAIL.exec(text);
  if (email) return { kind: 'email', value: email[0], rest: without(text, email[0]) };
  const number = NUMBERISH.exec(text);
  if (!number) return { kind: 'none' };
  const phone = vietnamesePhone(number[0]);
  return phone ? { kind: 'phone', value: phone, rest: without(text, number[0]) } : { kind: 'bad_phone' };
}

function without(text: string, part: string): string {
  const rest = text.replace(part, ' ').replace(/\s+/g, ' ').trim();
  const words = normalizeText(rest).split(' ').filter(Boolean);
  return words.every((w) => FILLER.has(w)) ? '' : rest;
}
