import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.js';
import { startApp, type App } from '../../app/app.js';
import { signalOf } from '../../bot/conversation/safety.js';
import { detectRisk } from '../../bot/risk/risk-detector.js';
import { tr } from '../../locales/i18n.js';
import { AdminClient } from '../helpers/admin-client.js';
import { engineEnv } from '../helpers/engines.js';

const vi = tr('vi');
const ADMIN = { email: 'admin@example.test', password: 'correct horse battery' };

/** The part of a page between an opening mark and the next closing one. */
const between = (html: string, open: string, close: string) => {
  const start = html.indexOf(open);
  expect(start).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf(close, start));
};

/** What the counsellor sees of cases whose words were routed (walk-through defects), through the routes. */
describe('the inbox and the activity log after routing', () => {
  let app: App;
  let dataDir: string;
  let admin: AdminClient;
  let n = 0;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'htx-routing-fixes-'));
    const config = loadConfig({ ...engineEnv(), PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, STAFF_2FA: 'optional' });
    app = await startApp(config, { processEvery: 50, outboxEvery: '1 second' });
    admin = new AdminClient(app.url);
    expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(303);
  });
  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const opens = (kind: 'opinion' | 'report', texts: string[], fields: Record<string, unknown> = {}) =>
    app.cases.openCase({ kind, channel: 'telegram', contactId: `routing-contact-${++n}`, fields: { area: { province: 'Hà Nội' }, ...fields }, urgentReasons: [], texts, attachments: [] });

  it('shows why an opinion turned urgent beside its preview, without more of the child\'s words and without platform ids', async () => {
    const opinion = 'Em muốn sân trường có thêm cây xanh và ghế đá để ngồi đọc sách';
    const danger = 'nhưng tối nay bố em lại đánh em, em sợ không dám về nhà';
    const c = await opens('opinion', [opinion]);
    await app.cases.addChildMessage(c._id, { text: danger, attachments: [] });
    const signal = signalOf(detectRisk(danger))!;
    await app.cases.raiseRisk(c._id, signal);

    const inbox = (await admin.get('/admin/cases')).html;
    const row = between(inbox, `href="/admin/cases/${c._id}"`, '</tr>');
    expect(row).toContain(vi('admin.cases.badge.urgent'));
    const why = between(row, '<span class="urgent-why">', '</span>');
    expect(why).toContain(vi('admin.cases.urgent_why'));
    expect(signal.reasons.length).toBeGreaterThan(0);
    for (const reason of signal.reasons) expect(why).toContain(vi(`admin.cases.urgent_reasons.${reason}`));
    // The preview is still the first words of the first message, and nothing of the danger words.
    expect(row).toContain('Em muốn sân trường có thêm cây xanh');
    expect(row).not.toContain('bố em lại đánh em');
    expect(row).not.toContain(c.contactId);
  });

  it('shows no urgency line on a case that is not urgent', async () => {
    const c = await opens('opinion', ['Em muốn có thêm giờ ra chơi']);
    const row = between((await admin.get('/admin/cases')).html, `href="/admin/cases/${c._id}"`, '</tr>');
    expect(row).not.toContain('urgent-why');
  });

  it('names a parent\'s actions in the activity log by the stored role, on the case page and in the audit log', async () => {
    const c = await opens('report', ['Con gái tôi bị bạn cùng lớp đánh'], { about: 'other_child', reporterRole: 'parent' });
    await app.cases.findForChild(c.code);
    const page = (await admin.get(`/admin/cases/${c._id}`)).html;
    const trail = between(page, '<section class="card" id="trail">', '</section>');
    expect(trail).toContain(vi('admin.audit.actions.case.created'));
    expect(trail).toContain(vi('admin.cases.senders.parent'));
    expect(trail).not.toContain(vi('admin.audit.child'));

    const log = between((await admin.get(`/admin/audit?code=${c.code}`)).html, '<table class="trail"', '</table>');
    expect(log).toContain(vi('admin.cases.senders.parent'));
    expect(log).not.toContain(vi('admin.audit.child'));
  });

  it('still names a child\'s actions as the child\'s', async () => {
    const c = await opens('report', ['Bạn cùng lớp hay lấy đồ của em'], { about: 'self', reporterRole: 'child' });
    const trail = between((await admin.get(`/admin/cases/${c._id}`)).html, '<section class="card" id="trail">', '</section>');
    expect(trail).toContain(vi('admin.audit.child'));
  });
});
