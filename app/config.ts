import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import net from 'node:net';
import { ConnectionString } from 'mongodb-connection-string-url';
import { z } from 'zod';
import { parseYearlyDates } from '../reports/report-reminders.js';

/**
 * Every setting of the application, read once from the environment (and `.env`).
 * `.env.example` documents each one; nothing else in the code reads `process.env`.
 */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Public base URL of this server (used in links sent to children, e.g. the web chat). */
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .refine((uri) => mongoDatabaseName(uri) !== undefined, 'must be a valid MongoDB connection string')
    .refine((uri) => Boolean(mongoDatabaseName(uri)), 'must name the database, e.g. mongodb://db1,db2,db3/hopthuxanh?replicaSet=rs0 (without one the data would go to "test")')
    .optional(),
  /**
   * Which proxies in front of us are believed about the client's address (rate limits per
   * address, Secure cookies): a hop count, addresses/subnets (comma-separated; `loopback`,
   * `linklocal`, `uniquelocal` allowed), or `false` for none.
   */
  TRUST_PROXY: z.string().default('loopback').transform(parseTrustProxy),
  /** 32 bytes, base64 or hex: the key that encrypts chat ids and contact details. */
  DATA_KEY: z
    .string()
    .refine((v) => decodeKey(v) !== null, 'must be 32 bytes as 64 hex characters or base64')
    .optional(),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]{20,}$/, 'must look like 123456:ABC-DEF… (from @BotFather)')
    .optional(),
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_URL: z.url().startsWith('https://', 'must be an https:// URL').optional(),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 characters of A-Z, a-z, 0-9, _ and -')
    .optional(),
  /** From Zalo Bot Creator: `<bot id>:<secret>`. Turns the Zalo channel on. */
  ZALO_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]{10,}$/, 'must look like 1234567890:AbCdEf… (from Zalo Bot Creator)')
    .optional(),
  ZALO_API_ROOT: z.url().default('https://bot-api.zaloplatforms.com'),
  ZALO_WEBHOOK_URL: z.url().startsWith('https://', 'must be an https:// URL').optional(),
  ZALO_WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 characters of A-Z, a-z, 0-9, _ and -')
    .optional(),
  /**
   * Flood protection, per contact on every channel: past FLOOD_LIMIT messages in a window of
   * FLOOD_WINDOW_SECONDS, one kind "wait a moment", then further messages are kept without an
   * answer (never a first message, never one that trips risk detection).
   */
  FLOOD_LIMIT: z.coerce.number().int().min(3).max(1000).default(30),
  FLOOD_WINDOW_SECONDS: z.coerce.number().int().min(10).max(86_400).default(60),
  PROVINCE_HOTLINE: z
    .string()
    .regex(/^[0-9 +.-]{3,20}$/, 'must be a phone number such as 1800 8079')
    .optional(),
  PROVINCE_NAME: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  STAFF_2FA: z.enum(['required', 'optional']).default('required'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** The staff Telegram group that receives urgent-case alerts (a chat id such as -1001234567890). */
  STAFF_TELEGRAM_CHAT_ID: z.string().regex(/^-?\d{1,20}$/, 'must be a Telegram chat id such as -1001234567890').optional(),
  /** Staff e-mail (alerts, invitations, two-factor resets): an SMTP server such as smtps://user:pass@mail.example.vn:465. */
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL').optional(),
  /** The sender of staff e-mail, e.g. "Hộp Thư Xanh <no-reply@example.vn>". */
  SMTP_FROM: z.string().regex(/^([^<>]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/, 'must be an e-mail address, optionally with a name: Name <a@b.vn>').optional(),
  /** Where the web chat's quick-exit button goes: a neutral page. */
  /** Days the words and files of a closed case are kept before retention erases them (admins may change it). */
  RETENTION_DAYS: z.coerce.number().int().min(30).max(3650).default(365),
  /** Days delivered inbound updates and files never attached to a case are kept. */
  RETENTION_SHORT_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  /** Days ahead of a report's deadline that coordinators are reminded. */
  REPORT_REMINDER_DAYS_BEFORE: z.coerce.number().int().min(0).max(60).default(7),
  /** Yearly report deadlines, MM-DD separated by commas (Ninh Thuận's annual report: before 15 November). */
  REPORT_YEARLY_DATES: z
    .string()
    .regex(/^\s*\d{1,2}-\d{1,2}(\s*,\s*\d{1,2}-\d{1,2})*\s*$/, 'must be MM-DD dates separated by commas, e.g. 11-15')
    .refine((v) => { try { parseYearlyDates(v); return true; } catch { return false; } }, 'must be dates that exist, e.g. 11-15')
    .default('11-15'),
  QUICK_EXIT_URL: z.url().default('https://www.google.com/search?q=th%E1%BB%9Di+ti%E1%BA%BFt+h%C3%B4m+nay'),
});

export type Env = z.infer<typeof EnvSchema>;

/** The database a MongoDB URI names ('' when none), or undefined when the URI does not parse. Multi-host URIs are fine. */
export function mongoDatabaseName(uri: string): string | undefined {
  try {
    return decodeURIComponent(new ConnectionString(uri).pathname.replace(/^\//, ''));
  } catch {
    return undefined;
  }
}

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const isSubnet = (v: string) => {
  const [address, bits, ...rest] = v.split('/');
  if (rest.length > 0 || !address) return false;
  const family = net.isIP(address);
  if (family === 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
};

/** TRUST_PROXY as express's `trust proxy` takes it: false, a hop count, or a list of addresses. */
function parseTrustProxy(value: string, ctx: z.RefinementCtx): false | number | string[] {
  const v = value.trim().toLowerCase();
  if (v === 'false' || v === 'none') return false;
  if (/^\d+$/.test(v) && Number(v) <= 20) return Number(v);
  const parts = v.split(',').map((p) => p.trim());
  if (parts.every((p) => PROXY_NAMES.has(p) || isSubnet(p))) return parts;
  ctx.addIssue({ code: 'custom', message: 'must be false, a hop count (0-20), or comma-separated proxy addresses/subnets (e.g. 10.0.0.0/8,loopback); "true" (trust anyone) is refused' });
  return z.NEVER;
}

export interface Config extends Omit<Env, 'DATA_KEY'> {
  /** The 32-byte data key; generated and kept in DATA_DIR when unset with the embedded engine. */
  dataKey: Buffer;
  /** True when the key was generated here (a real deployment must set DATA_KEY). */
  dataKeyGenerated: boolean;
  engine: 'mongodb' | 'embedded';
}

export class ConfigError extends Error {}

function decodeKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  const b = Buffer.from(value, 'base64');
  return b.length === 32 ? b : null;
}

/**
 * Parses the environment. Throws a ConfigError whose message is one line per bad variable,
 * naming it, so the start stops with something a person can act on.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration — ${lines.join('; ')}`);
  }
  const e = parsed.data;
  if (e.TELEGRAM_WEBHOOK_URL && !e.TELEGRAM_WEBHOOK_SECRET) {
    throw new ConfigError('Invalid configuration — TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set');
  }
  if (e.SMTP_URL && !e.SMTP_FROM) {
    throw new ConfigError('Invalid configuration — SMTP_FROM: required when SMTP_URL is set (the sender address of staff e-mail)');
  }
  if (e.ZALO_WEBHOOK_URL && !e.ZALO_WEBHOOK_SECRET) {
    throw new ConfigError('Invalid configuration — ZALO_WEBHOOK_SECRET: required when ZALO_WEBHOOK_URL is set');
  }
  const engine = e.MONGODB_URI ? 'mongodb' : 'embedded';
  if (engine === 'mongodb' && !e.DATA_KEY) {
    throw new ConfigError('Invalid configuration — DATA_KEY: required with MONGODB_URI (32 bytes, hex or base64)');
  }
  const { DATA_KEY, ...rest } = e;
  let dataKey: Buffer;
  let dataKeyGenerated = false;
  if (DATA_KEY) {
    dataKey = decodeKey(DATA_KEY)!;
  } else {
    ({ key: dataKey, generated: dataKeyGenerated } = loadOrCreateLocalKey(e.DATA_DIR));
  }
  return { ...rest, dataKey, dataKeyGenerated, engine };
}

function loadOrCreateLocalKey(dataDir: string): { key: Buffer; generated: boolean } {
  const file = path.join(dataDir, 'data.key');
  fs.mkdirSync(dataDir, { recursive: true });
  if (fs.existsSync(file)) {
    const key = decodeKey(fs.readFileSync(file, 'utf8').trim());
    if (!key) throw new ConfigError(`Invalid configuration — DATA_KEY: ${file} does not hold a 32-byte key`);
    return { key, generated: true };
  }
  const key = crypto.randomBytes(32);
  fs.writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, generated: true };
}
