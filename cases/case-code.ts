import crypto from 'node:crypto';

/**
 * Case reference codes, e.g. `HTX-7K3Q9-XPM4R`: ten symbols from an alphabet with no
 * look-alikes (no 0/O, 1/I/L), about 49.5 random bits, so a code is easy to copy yet cannot be
 * guessed. Typed codes are read forgivingly (case, spaces, dashes, missing prefix).
 */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const GROUP = 5;

export function newCaseCode(): string {
  const symbols = Array.from({ length: GROUP * 2 }, () => CODE_ALPHABET[crypto.randomInt(CODE_ALPHABET.length)]);
  return `HTX-${symbols.slice(0, GROUP).join('')}-${symbols.slice(GROUP).join('')}`;
}

const CODE_IN_TEXT = new RegExp(`(?:^|[^A-Z0-9])HTX[\\s._-]*([${CODE_ALPHABET}]{${GROUP}})[\\s._-]*([${CODE_ALPHABET}]{${GROUP}})(?![A-Z0-9])`);

/** Finds a case code in what someone typed and returns it in canonical form, or null. */
export function findCaseCode(text: string): string | null {
  const m = CODE_IN_TEXT.exec(` ${text.toUpperCase()}`);
  return m ? `HTX-${m[1]}-${m[2]}` : null;
}

const CODE_START = new RegExp(`^(?:HTX)?([${CODE_ALPHABET}]{3,${GROUP * 2}})$`);

/**
 * The canonical start of a case code typed in part ("7k3q9", "HTX-7K3Q9-XP"), for a search by
 * the code's first symbols; null unless it has a digit or the HTX prefix (so that ordinary
 * words are not read as codes).
 */
export function caseCodeStart(text: string): string | null {
  const compact = text.toUpperCase().replace(/[\s._-]+/g, '');
  const m = CODE_START.exec(compact);
  if (!m || !(/\d/.test(m[1]!) || compact.startsWith('HTX'))) return null;
  const symbols = m[1]!;
  return `HTX-${symbols.slice(0, GROUP)}${symbols.length > GROUP ? `-${symbols.slice(GROUP)}` : ''}`;
}

/** True when the text looks like an attempt at a case code (starts with HTX), right or wrong. */
export const looksLikeCaseCode = (text: string) => /^\s*htx\b/i.test(text);
