import fs from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../app/app.js';
import { loadConfig } from '../../app/config.js';
import { LOCKOUT_AFTER } from '../../backoffice/auth/lockout.js';
import { ContactModel, ConversationModel, InboundUpdateModel, LeaseModel, OutboxModel, StaffModel } from '../../models/index.js';
import { tr } from '../../locales/i18n.js';
import type { Store } from '../../store/index.js';
import { FakeBotApi, waitUntil } from '../fakes/fake-bot-api.js';
import { FakeZaloApi } from '../fakes/fake-zalo-api.js';
import { AdminClient } from '../helpers/admin-client.js';
import { engineEnv, openTestStore, tempDir } from '../helpers/engines.js';
import { TEST_APP_OPTIONS } from '../helpers/telegram-child.js';
import { eventually, newId, newSession, type Entry } from '../helpers/web-chat.js';

const ADMIN = { email: 'admin@example.test', password: 'correct horse battery' };
const LEASE_MS = 3000;
/** A low flood limit, in a window of a day: the messages a test counts never straddle two windows. */
const FLOOD_LIMIT = 3;

/** One instance: its app and what it logged. */
interface Instance {
  name: string;
  app: App;
  logs: string[];
  dataDir: string;
}

/**
 * Two instances of the application in one process, sharing one store (as two servers share one
 * MongoDB), one Telegram bot and one Zalo bot (both polled): each has its own HTTP server,
 * scheduler and DATA_DIR.
 */
describe('two instances on one store', () => {
  let fake: FakeBotApi;
  let zalo: FakeZaloApi;
  /** When the Zalo lease left by an instance that died (before these started) runs out. */
  let deadLeaseEnds: number;
  let store: Store;
  let a: Instance;
  let b: Instance;
  const both = () => [a, b];

  async function start(name: string): Promise<Instance> {
    const logs: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
    const dataDir = tempDir(`htx-instance-${name}-`);
    const config = loadConfig({
      ...engineEnv(),
      DATA_KEY: 'b2'.repeat(32),
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      ZALO_BOT_TOKEN: zalo.token,
      ZALO_API_ROOT: zalo.apiRoot,
      FLOOD_LIMIT: String(FLOOD_LIMIT),
      FLOOD_WINDOW_SECONDS: '86400',
    });
    const app = await startApp(config, {
      ...TEST_APP_OPTIONS,
      telegramPoll: { ...TEST_APP_OPTIONS.telegramPoll, leaseMs: LEASE_MS },
      zaloPoll: { pollTimeoutSeconds: 1, backoffMs: 50, maxBackoffMs: 200, leaseMs: LEASE_MS },
      store,
      logger,
    });
    return { name, app, logs, dataDir };
  }

  /**
   * What is left of a limit's budget, from the RateLimit header (`r=` hits left, `t=` seconds
   * to the window's end). Limits count in fixed windows: a window about to end is waited out,
   * so that the hits a test counts all fall in one window.
   */
  async function budget(send: () => Promise<{ status: number; headers: Headers }>): Promise<number> {
    for (;;) {
      const res = await send();
      const header = res.headers.get('ratelimit') ?? '';
      const [left, seconds] = [/r=(\d+)/, /t=(\d+)/].map((re) => Number(re.exec(header)?.[1]));
      if (!(left! >= 0 && seconds! >= 0)) throw new Error(`no RateLimit header (status ${res.status}): "${header}"`);
      if (seconds! >= 30) return left!;
      const resetAt = Date.now() + seconds! * 1000 + 100;
      await waitUntil(() => Date.now() >= resetAt, 31_000, () => 'the rate-limit window to end');
    }
  }

  const pollsOn = (platform: 'telegram' | 'zalo') => (i: Instance) => i.logs.some((l) => l.includes('lease acquired; starting here') && l.includes(`"lease":"${platform}-polling:`));
  const polling = pollsOn('telegram');
  const pollingZalo = pollsOn('zalo');
  /** Starts the named instance again (after a test stopped it), so that two run for the next tests. */
  async function restart(stopped: Instance): Promise<Instance> {
    const again = await start(stopped.name);
    if (stopped === a) a = again;
    else b = again;
    return again;
  }
  // A 409 (Conflict) from getUpdates; not the digits 409 inside a log line's time or pid.
  const conflicts = () => both().flatMap((i) => i.logs.filter((l) => /\b409\b|Conflict/.test(l)));

  beforeAll(async () => {
    [fake, zalo] = await Promise.all([new FakeBotApi().start(), new FakeZaloApi().start()]);
    store = await openTestStore();
    // An instance that died while polling Zalo left its lease behind: nobody may poll until it ends.
    deadLeaseEnds = Date.now() + LEASE_MS + 2000;
    await store.collection(LeaseModel).insertOne({ _id: `zalo-polling:${zalo.token.split(':')[0]}`, holder: 'dead-instance', expiresAt: new Date(deadLeaseEnds) });
    // Started at the same moment: both try to create the first admin.
    [a, b] = await Promise.all([start('a'), start('b')]);
  });
  afterAll(async () => {
    for (const i of [a, b]) {
      await i?.app.stop();
      if (i) fs.rmSync(i.dataDir, { recursive: true, force: true });
    }
    await store?.close();
    await Promise.all([fake?.stop(), zalo?.stop()]);
  });

  it('creates the first admin once when both start together', async () => {
    expect(await store.collection(StaffModel).count({})).toBe(1);
  });

  it('long-polls Telegram from one instance only, and the other takes over when it stops', async () => {
    await waitUntil(() => polling(a) || polling(b), 10_000, () => 'an instance to start polling');
    const [poller, other] = polling(a) ? [a, b] : [b, a];
    fake.userSendsText(51_000_001, '/start');
    await waitUntil(() => fake.sent.some((m) => String(m.chat_id) === '51000001'), 15_000, () => 'the bot to answer the first child');
    // The other instance kept trying for longer than the lease lives, and never polled.
    await waitUntil(() => fake.getUpdatesCalls.length >= 3, 10_000, () => 'several polls');
    expect(polling(other), other.logs.join('')).toBe(false);
    expect(conflicts()).toEqual([]);

    await poller.app.stop();
    await waitUntil(() => polling(other), 10_000, () => 'the other instance to take over polling');
    fake.userSendsText(51_000_002, '/start');
    await waitUntil(() => fake.sent.some((m) => String(m.chat_id) === '51000002'), 15_000, () => 'the bot to answer the second child');
    expect(conflicts()).toEqual([]);
    // Started again, the stopped instance waits: the lease is held.
    const again = await restart(poller);
    await waitUntil(() => fake.getUpdatesCalls.length >= 6, 10_000, () => 'more polls');
    expect(polling(again)).toBe(false);
  });

  it('polls Zalo from one instance only: none while a dead instance\'s lease lasts, then one, and the other takes over when it stops', async () => {
    await waitUntil(() => (pollingZalo(a) || pollingZalo(b)) && zalo.calls.length > 0, 15_000, () => 'an instance to start polling Zalo');
    // Nobody called Zalo before the dead instance's lease ran out.
    expect(zalo.calls[0]!.at).toBeGreaterThanOrEqual(deadLeaseEnds);
    const [poller, other] = pollingZalo(a) ? [a, b] : [b, a];
    zalo.push(zalo.textUpdate('a1b2c3d4e5f60001', 'chào'));
    await waitUntil(() => zalo.sent.some((m) => m.chat_id === 'a1b2c3d4e5f60001'), 15_000, () => 'the bot to answer the first Zalo child');
    await waitUntil(() => zalo.calls.filter((c) => c.method === 'getUpdates').length >= 4, 10_000, () => 'several Zalo polls');
    expect(pollingZalo(other), other.logs.join('')).toBe(false);
    expect(zalo.overlappingPolls).toBe(0);

    await poller.app.stop();
    await waitUntil(() => pollingZalo(other), 10_000, () => 'the other instance to take over polling Zalo');
    zalo.push(zalo.textUpdate('a1b2c3d4e5f60002', 'chào'));
    await waitUntil(() => zalo.sent.some((m) => m.chat_id === 'a1b2c3d4e5f60002'), 15_000, () => 'the bot to answer the second Zalo child');
    // Answered once: the update went to one poller, and was handled once.
    expect(zalo.sent.filter((m) => m.chat_id === 'a1b2c3d4e5f60002' && m.text.includes('111')).length).toBe(1);
    await restart(poller);
  });

  it('locks an account after five wrong passwords split across the two instances', async () => {
    const clients = both().map((i) => new AdminClient(i.app.url));
    for (let n = 1; n < LOCKOUT_AFTER; n++) expect((await clients[n % 2]!.signIn(ADMIN.email, `wrong ${n}`)).status).toBe(401);
    expect((await clients[LOCKOUT_AFTER % 2]!.signIn(ADMIN.email, 'wrong again')).status).toBe(423);
    for (const client of clients) expect((await client.signIn(ADMIN.email, ADMIN.password)).status).toBe(423);
  });

  it('counts failed sign-ins from one address on both instances toward one limit', async () => {
    const clients = both().map((i) => new AdminClient(i.app.url));
    for (const c of clients) await c.get('/admin/login');
    const fail = (n: number) => clients[n % 2]!.postForm('/admin/login', { email: `nobody${n}@example.test`, password: 'whatever it is' });
    // What is left of the address's budget (20 failures in 15 minutes), failures above included.
    const remaining = await budget(() => fail(0));
    expect(remaining).toBeGreaterThan(2);
    const statuses: number[] = [];
    for (let n = 1; n <= remaining; n++) statuses.push((await fail(n)).status);
    expect(statuses.every((s) => s === 401)).toBe(true);
    expect((await fail(1)).status).toBe(429);
    expect((await fail(2)).status).toBe(429);
  });

  it('numbers a web chat transcript 1, 2, 3 … across both instances, and limits the chat on both together', async () => {
    const session = newSession();
    const post = (i: Instance, text: string) =>
      fetch(`${i.app.url}/chat/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-chat-session': session }, body: JSON.stringify({ id: newId(), text }) });
    const list = async (i: Instance) => ((await (await fetch(`${i.app.url}/chat/api/messages?after=0`, { headers: { 'x-chat-session': session } })).json()) as { messages: Entry[] }).messages;
    expect((await post(a, '/start')).status).toBe(202);
    expect((await post(b, 'xin chào')).status).toBe(202);
    const entries = await eventually(() => list(b), (e) => e.filter((m) => m.from === 'bot').length >= 2);
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, n) => n + 1));
    // The per-chat limit (40 a minute) is one budget for both instances. Refused uploads (no id)
    // count too, and cost the bot nothing: they spend the budget quickly.
    const refusedUpload = (i: Instance) => fetch(`${i.app.url}/chat/api/uploads`, { method: 'POST', headers: { 'x-chat-session': session } });
    const remaining = await budget(() => refusedUpload(a));
    expect(remaining).toBeGreaterThan(2);
    const statuses: number[] = [];
    for (let n = 0; n < remaining; n++) statuses.push((await refusedUpload(n % 2 ? a : b)).status);
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    expect((await post(a, 'một tin nữa')).status).toBe(429);
    expect((await post(b, 'một tin nữa')).status).toBe(429);
    // Words of danger are never held back, whatever the limit.
    expect((await post(b, 'bố em đánh em đau lắm')).status).toBe(202);
  });

  it('counts a chat writing through both instances toward one flood limit: one "wait a moment", then quiet, nothing lost', async () => {
    const session = newSession();
    const sessionKey = a.app.cipher.pseudonym('web', session);
    const updates = store.collection(InboundUpdateModel);
    // Each message is handled before the next is sent, alternately by each instance.
    const send = async (i: Instance, text: string) => {
      const id = newId();
      const res = await fetch(`${i.app.url}/chat/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-chat-session': session }, body: JSON.stringify({ id, text }) });
      expect(res.status).toBe(202);
      await eventually(() => updates.findOne({ _id: `web:${sessionKey}:${id}` }), (u) => u?.status === 'done');
    };
    const story = (n: number) => `Em kể thêm chuyện ở lớp, phần ${n}`;
    await send(a, 'chào');
    for (let n = 2; n <= FLOOD_LIMIT + 3; n++) await send(n % 2 ? a : b, story(n));
    await eventually(() => store.collection(OutboxModel).count({ recipientKey: `web:${sessionKey}`, status: { $in: ['pending', 'sending'] } }), (n) => n === 0);
    const bot = (await (await fetch(`${b.app.url}/chat/api/messages?after=0`, { headers: { 'x-chat-session': session } })).json()) as { messages: Entry[] };
    const said = bot.messages.filter((m) => m.from === 'bot').map((m) => m.text);
    const wait = tr('vi')('bot.flood.wait');
    // Counted per instance, neither would have reached the limit: each handled at most three.
    expect(said.filter((t) => t === wait)).toHaveLength(1);
    expect(said.at(-1)).toBe(wait);
    const contact = await store.collection(ContactModel).findOne({ channel: 'web', pseudonym: sessionKey });
    const conversation = await store.collection(ConversationModel).findOne({ contactId: contact!._id });
    expect(conversation!.heldText).toEqual(Array.from({ length: FLOOD_LIMIT + 2 }, (_, i) => story(i + 2)));
  });
});
