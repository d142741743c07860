import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DataCipher } from '../../app/crypto.js';
import { newId, randomBytes } from '../../models/ids.js';

describe('fresh random bytes for ids and IVs', () => {
  it('never hands out the same id twice, across many refills of the pool', () => {
    const ids = Array.from({ length: 5000 }, newId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 50)) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('keeps bytes already handed out unchanged when the pool is refilled', () => {
    const first = randomBytes(16);
    const copy = Buffer.from(first);
    for (let i = 0; i < 1000; i++) randomBytes(16);
    expect(first.equals(copy)).toBe(true);
  });

  it('gives a request larger than the pool its own bytes', () => {
    expect(randomBytes(10_000)).toHaveLength(10_000);
  });

  it('seals every value with its own IV, and each opens again to its value', () => {
    const cipher = new DataCipher(crypto.randomBytes(32));
    const sealed = Array.from({ length: 2000 }, (_, i) => cipher.encrypt(`chat ${i}`));
    const ivs = sealed.map((s) => s.split('.')[1]);
    expect(new Set(ivs).size).toBe(sealed.length);
    expect(sealed.map((s) => cipher.decrypt(s))).toEqual(sealed.map((_, i) => `chat ${i}`));
  });
});
