import argon2 from 'argon2';

/** argon2id with OWASP's recommended memory cost (19 MiB, t=2). */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => argon2.hash(password, OPTIONS);

let dummyHash: Promise<string> | null = null;

/** Verifies a password; with no hash (unknown account) it still spends the same time. */
export async function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword('not-a-real-password');
    await argon2.verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return argon2.verify(hash, password).catch(() => false);
}

/** A password policy a volunteer can live with: long rather than complicated. */
export const PASSWORD_MIN_LENGTH = 12;
