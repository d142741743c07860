import crypto from 'node:crypto';
import { randomBytes } from '../models/ids.js';

/** Bytes sealed by {@link DataCipher.encryptBytes}: the ciphertext and what opening it needs. */
export interface SealedBytes {
  /** The 12-byte IV, base64url; a fresh one for every call. */
  iv: string;
  /** The GCM authentication tag, base64url. */
  tag: string;
  data: Buffer;
}

const REMEMBERED_PSEUDONYMS = 5000;

/**
 * Encryption at rest for chat ids, contact details and evidence files (AES-256-GCM), and keyed-hash
 * pseudonyms (HMAC-SHA-256) for look-ups, so the store never needs the clear value to find
 * a contact. Both keys are derived from the one DATA_KEY with HKDF.
 */
export class DataCipher {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;
  private readonly pseudonyms = new Map<string, string>();

  constructor(dataKey: Buffer) {
    if (dataKey.length !== 32) throw new Error('DATA_KEY must be 32 bytes');
    this.encKey = Buffer.from(crypto.hkdfSync('sha256', dataKey, Buffer.alloc(0), 'htx:enc:v1', 32));
    this.macKey = Buffer.from(crypto.hkdfSync('sha256', dataKey, Buffer.alloc(0), 'htx:mac:v1', 32));
  }

  /** Encrypts to `v1.<iv>.<tag>.<ciphertext>` (base64url parts). */
  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.encKey, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  decrypt(sealed: string): string {
    const [v, iv, tag, data] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed value');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  /**
   * Encrypts bytes (an evidence file) with a fresh IV. `context` is authenticated with them
   * (GCM additional data), so a ciphertext cannot be passed off as another record's.
   */
  encryptBytes(plain: Buffer, context: string): SealedBytes {
    const iv = randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.encKey, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([cipher.update(plain), cipher.final()]);
    return { iv: iv.toString('base64url'), tag: cipher.getAuthTag().toString('base64url'), data };
  }

  /** Opens {@link encryptBytes}' output; throws when the bytes, the tag or the context do not match. */
  decryptBytes(sealed: SealedBytes, context: string): Buffer {
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(sealed.iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
    return Buffer.concat([decipher.update(sealed.data), decipher.final()]);
  }

  /**
   * A stable, non-reversible pseudonym for `value` within `scope` (e.g. the channel). The
   * latest few thousand are remembered: a turn asks for its chat's several times.
   */
  pseudonym(scope: string, value: string): string {
    const input = `${scope}\u0000${value}`;
    let known = this.pseudonyms.get(input);
    if (known === undefined) {
      known = crypto.createHmac('sha256', this.macKey).update(input).digest('base64url').slice(0, 32);
      if (this.pseudonyms.size >= REMEMBERED_PSEUDONYMS) this.pseudonyms.clear();
      this.pseudonyms.set(input, known);
    }
    return known;
  }
}
