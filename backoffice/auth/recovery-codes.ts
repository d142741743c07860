import crypto from 'node:crypto';

/** How many one-time recovery codes an account gets at enrolment (and at each new set). */
export const RECOVERY_CODE_COUNT = 10;
/** Letters and digits that cannot be mistaken for one another when read off paper. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const HALF = 5;

/** A new set of codes (shown once), with what is stored: a random salt and each code's hash. */
export function newRecoveryCodes(): { codes: string[]; salt: string; hashes: string[] } {
  const salt = crypto.randomBytes(16).toString('base64url');
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = Array.from(crypto.randomBytes(HALF * 2), (b) => ALPHABET[b % ALPHABET.length]).join('');
    return `${raw.slice(0, HALF)}-${raw.slice(HALF)}`;
  });
  return { codes, salt, hashes: codes.map((c) => hashRecoveryCode(salt, c)) };
}

/**
 * A typed recovery code in its stored form: lower case, without spaces or dashes; null when it
 * cannot be one (then it is not a recovery code, e.g. a 6-digit authenticator code).
 */
export function normalizeRecoveryCode(typed: string): string | null {
  const s = typed.toLowerCase().replace(/[\s-]/g, '');
  return s.length === HALF * 2 && [...s].every((ch) => ALPHABET.includes(ch)) && /[a-z]/.test(s) ? s : null;
}

/** SHA-256 of the account's salt and the code (about 50 random bits each, so no slow hash is needed). */
export function hashRecoveryCode(salt: string, code: string): string {
  const normalized = normalizeRecoveryCode(code) ?? code;
  return crypto.createHash('sha256').update(`${salt}:${normalized}`).digest('base64url');
}
