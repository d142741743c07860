import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../app/config.js';
import { tempDir } from '../helpers/engines.js';

const errorOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    return err;
  }
  return null;
};

describe('configuration', () => {
  it('starts with nothing set: embedded engine, port 3000, a generated data key kept in DATA_DIR', () => {
    const dir = tempDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config).toMatchObject({ PORT: 3000, engine: 'embedded', dataKeyGenerated: true, TELEGRAM_API_ROOT: 'https://api.telegram.org' });
    expect(config.dataKey).toHaveLength(32);
    // The same key is found at the next start.
    expect(loadConfig({ DATA_DIR: dir }).dataKey.equals(config.dataKey)).toBe(true);
    expect(fs.statSync(path.join(dir, 'data.key')).mode & 0o077).toBe(0);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ MONGODB_URI: 'postgres://x' }, 'MONGODB_URI'],
    [{ MONGODB_URI: 'mongodb://db/htx' }, 'DATA_KEY'],
    [{ DATA_KEY: 'too-short' }, 'DATA_KEY'],
    [{ TELEGRAM_BOT_TOKEN: 'not a token' }, 'TELEGRAM_BOT_TOKEN'],
    [{ TELEGRAM_API_ROOT: 'nope' }, 'TELEGRAM_API_ROOT'],
    [{ TELEGRAM_WEBHOOK_URL: 'http://insecure.example/hook', TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(20) }, 'TELEGRAM_WEBHOOK_URL'],
    [{ TELEGRAM_WEBHOOK_URL: 'https://bot.example/hook' }, 'TELEGRAM_WEBHOOK_SECRET'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ STAFF_2FA: 'off' }, 'STAFF_2FA'],
    [{ PROVINCE_HOTLINE: 'call me' }, 'PROVINCE_HOTLINE'],
    [{ MONGODB_URI: 'mongodb://db1,db2,db3/?replicaSet=rs0', DATA_KEY: 'ab'.repeat(32) }, 'MONGODB_URI: must name the database'],
    [{ MONGODB_URI: 'mongodb://db1', DATA_KEY: 'ab'.repeat(32) }, 'MONGODB_URI: must name the database'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/40' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: 'proxy.example' }, 'TRUST_PROXY'],
  ])('refuses %j with a message naming %s', (env, name) => {
    const err = errorOf({ DATA_DIR: tempDir(), ...env });
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(name);
    expect((err as Error).message).not.toContain('\n');
  });

  it('accepts a 32-byte key in hex or base64, and requires it with MongoDB', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ MONGODB_URI: 'mongodb://db/htx', DATA_KEY: hex }).engine).toBe('mongodb');
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ DATA_DIR: tempDir(), DATA_KEY: b64 }).dataKey.equals(Buffer.alloc(32, 7))).toBe(true);
  });

  it('accepts a replica set URI with several hosts and a database name', () => {
    const config = loadConfig({ MONGODB_URI: 'mongodb://u:p@db1:27017,db2:27017,db3:27017/hopthuxanh?replicaSet=rs0&authSource=admin', DATA_KEY: 'ab'.repeat(32) });
    expect(config.engine).toBe('mongodb');
  });

  it.each([
    [undefined, ['loopback']],
    ['false', false],
    ['2', 2],
    ['10.0.0.0/8, 192.168.1.10,loopback', ['10.0.0.0/8', '192.168.1.10', 'loopback']],
    ['fd00::/8', ['fd00::/8']],
  ])('reads TRUST_PROXY=%s as %j (which proxies are believed about the client address)', (value, expected) => {
    expect(loadConfig({ DATA_DIR: tempDir(), ...(value ? { TRUST_PROXY: value } : {}) }).TRUST_PROXY).toEqual(expected);
  });

  it('when a value is bad, `npm start` stops at once with one line naming the variable', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'app/main.ts'], {
      env: { PATH: process.env.PATH, DATA_DIR: tempDir(), PORT: 'not-a-port' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n').filter((l) => !/Warning|nodedir|trace-warnings/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration — PORT: /);
  });
});
