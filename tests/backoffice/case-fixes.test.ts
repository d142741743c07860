import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.js';
import { startApp, type App } from '../../app/app.js';
import { ANSWER_RULES, RULES } from '../../bot/risk/risk-detector.js';
import { tr } from '../../locales/i18n.js';
import { CaseModel, ContactModel, NotificationModel, type Case } from '../../models/index.js';
import { AdminClient } from '../helpers/admin-client.js';
import { engineEnv } from '../helpers/engines.js';
import { eventually } from '../helpers/telegram-child.js';

const vi = tr('vi');
const en = tr('en');
const ADMIN = { email: 'admin@example.test', password: 'correct horse battery' };
const DAY_MS = 24 * 3600_000;

describe('every rule that can raise a risk has a label for staff', () => {
  const ids = [...RULES.map((r) => r.id), ...Object.values(ANSWER_RULES)];

  it.each([['vi', vi], ['en', en]] as const)('in %s', (_lang, t) => {
    const missing = ids.filter((id) => t(`admin.cases.rule_labels.${id}`, { defaultValue: '' }) === '');
    expect(missing).toEqual([]);
  });
});

/** Defects of the case page and the inbox found by reading (issue 11's follow-up), through the routes. */
describe('the case page and the inbox, as staff see them', () => {
  let app: App;
  let dataDir: string;
  let admin: AdminClient;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'htx-case-fixes-'));
    const config = loadConfig({ ...engineEnv(), PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, STAFF_2FA: 'optional' });
    app = await startApp(config, { processEvery: 50, outboxEvery: '1 second' });
    admin = new AdminClient(app.url);
    expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(303);
  });
  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A child writes in the web chat; resolves with the case the words opened. */
  const childWrites = async (text: string): Promise<Case> => {
    const session = crypto.randomBytes(32).toString('base64url');
    const res = await fetch(`${app.url}/chat/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-chat-session': session },
      body: JSON.stringify({ id: crypto.randomBytes(9).toString('base64url'), text }),
    });
    expect(res.ok).toBe(true);
    const pseudonym = app.cipher.pseudonym('web', session);
    let found: Case | null = null;
    await eventually(async () => {
      const contact = await app.store.collection(ContactModel).findOne({ channel: 'web', pseudonym });
      found = contact ? await app.store.collection(CaseModel).findOne({ contactId: contact._id }) : null;
      return found !== null;
    }, 10_000, () => `no case for "${text}"`);
    return found!;
  };
  const caseOf = async (id: string) => (await app.store.collection(CaseModel).findOne({ _id: id }))!;

  it('explains "em học lớp 7, bố em hay đánh em" as violence by a family member, in Vietnamese, never as bullying', async () => {
    const c = await childWrites('em học lớp 7, bố em hay đánh em');
    expect(c.urgentReasons).toEqual(['violence']);

    const page = (await admin.get(`/admin/cases/${c._id}`)).html;
    expect(page).toContain(vi('admin.cases.rule_labels.violence.adult_hits'));
    expect(page).not.toContain(vi('admin.cases.urgent_reasons.bullying'));
    // No rule id and no English: "adult hits", "violence.adult_hits", "peers hurt".
    expect(page).not.toMatch(/adult[ _]hits|peers[ _]hurt|violence\.|Bạo lực: /);

    const english = (await admin.get(`/admin/cases/${c._id}?lang=en`)).html;
    expect(english).toContain(en('admin.cases.rule_labels.violence.adult_hits'));
    await admin.get('/admin/cases?lang=vi');
  });

  it('words "my stepdad beats me up" as family violence too', async () => {
    const c = await childWrites('my stepdad beats me up');
    expect(c.urgentReasons).toEqual(['violence']);
    expect((await admin.get(`/admin/cases/${c._id}`)).html).toContain(vi('admin.cases.rule_labels.violence.adult_hits'));
  });

  it('no longer sorts a case closed without an answer as due, nor reminds anyone of it; written to again, it is due again', async () => {
    const opened = async (text: string) => {
      const contact = await app.store.collection(ContactModel).insertOne({ channel: 'web', pseudonym: crypto.randomBytes(8).toString('hex'), addressEnc: null, lang: 'vi' });
      return app.cases.openCase({ kind: 'opinion', channel: 'web', contactId: contact._id, fields: {}, urgentReasons: [], texts: [text], attachments: [] });
    };
    const closing = await opened('Em muốn góp ý về sân chơi của trường em ạ');
    const open = await opened('Em muốn có thêm giờ ra chơi buổi chiều');
    expect(closing.answerDueAt!.getTime()).toBeLessThanOrEqual(open.answerDueAt!.getTime());
    const base = `/admin/cases/${closing._id}`;
    expect((await admin.postForm(`${base}/triage`, { priority: 'normal' })).status).toBe(303);
    for (const status of ['in_progress', 'resolved', 'closed']) expect((await admin.postForm(`${base}/status`, { status })).status).toBe(303);

    const closed = await caseOf(closing._id);
    expect(closed).toMatchObject({ status: 'closed', firstResponseAt: null, answerDueAt: null, nextReminderAt: null });
    const inbox = (await admin.get('/admin/cases')).html;
    expect(inbox.indexOf(open.code)).toBeGreaterThan(0);
    expect(inbox.indexOf(open.code)).toBeLessThan(inbox.indexOf(closing.code));
    // A month on, every rung of the ladder would have fired: none does for the closed case.
    await app.ladder.sweep(new Date(Date.now() + 30 * DAY_MS));
    expect(await app.store.collection(NotificationModel).count({ caseId: closing._id })).toBe(0);

    await app.cases.addChildMessage(closing._id, { text: 'Em vẫn chưa được trả lời ạ', attachments: [] });
    const reopened = await caseOf(closing._id);
    expect(reopened.status).toBe('new');
    expect(reopened.answerDueAt).toEqual(reopened.firstResponseDueAt);
    expect(reopened.nextReminderAt).not.toBeNull();
  });
});
