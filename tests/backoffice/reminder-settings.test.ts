import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.js';
import { startApp, type App } from '../../app/app.js';
import { readWorkSettings } from '../../cases/work-settings.js';
import { tr } from '../../locales/i18n.js';
import { SettingsModel } from '../../models/index.js';
import { AdminClient, createStaffAccount } from '../helpers/admin-client.js';
import { engineEnv } from '../helpers/engines.js';

const vi = tr('vi');

describe('the ladder and holiday settings, through the back office', () => {
  let app: App;
  let dataDir: string;
  let admin: AdminClient;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'htx-remset-'));
    app = await startApp(loadConfig({ ...engineEnv(), DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', STAFF_2FA: 'optional' }), { processEvery: 50 });
    await createStaffAccount(app, { email: 'boss@example.test', password: 'a long enough password', role: 'admin', twoFactor: false });
    admin = new AdminClient(app.url);
    expect((await admin.signIn('boss@example.test', 'a long enough password')).status).toBe(303);
  });
  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the shipped holiday list (Tết 2026 among it) until an admin saves one', async () => {
    const page = await admin.get('/admin/settings');
    expect(page.html).toContain(vi('admin.settings.holidays.shipped'));
    expect(page.html).toContain('2026-02-17 Tết Nguyên đán (mùng 1)');
    expect(page.html).toMatch(/id="escalation-remindAtPercent"[^>]*value="75"/);
  });

  it('saves the ladder’s timing, and refuses a value out of range without saving anything', async () => {
    expect((await admin.postForm('/admin/settings/escalation', { remindAtPercent: '50', repeatMinutes: '30', adminAfterMinutes: '60' })).status).toBe(303);
    const refused = await admin.postForm('/admin/settings/escalation', { remindAtPercent: '100', repeatMinutes: '30', adminAfterMinutes: '60' });
    expect(refused.status).toBe(400);
    expect((await readWorkSettings(app.store)).escalation).toEqual({ remindAtPercent: 50, repeatMinutes: 30, adminAfterMinutes: 60 });
  });

  it('saves an edited holiday list that working-day deadlines then follow, and names a bad line', async () => {
    const bad = await admin.postForm('/admin/settings/holidays', { daysOff: '2026-11-06 Ngày của tỉnh\n6/11/2026', workingDays: '' });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain(vi('admin.settings.holidays.errors.bad_line', { line: 2 }));
    const ok = await admin.postForm('/admin/settings/holidays', { daysOff: '2026-11-06 Ngày của tỉnh', workingDays: '2026-11-07 Làm bù' });
    expect(ok.status).toBe(303);
    const saved = await app.store.collection(SettingsModel).findOne({});
    expect(saved!.holidays).toEqual({ daysOff: [{ date: '2026-11-06', name: 'Ngày của tỉnh' }], workingDays: [{ date: '2026-11-07', name: 'Làm bù' }] });
    const { workingDays } = await readWorkSettings(app.store);
    expect(workingDays.isWorkingDay('2026-11-06')).toBe(false);
    expect(workingDays.isWorkingDay('2026-11-07')).toBe(true);
  });

  it('rings the bell on every page for an urgent case, lists it without the child’s words, and the live poll reports it', async () => {
    const c = await app.cases.openCase({ kind: 'report', channel: 'web', contactId: 'c-1', fields: {}, urgentReasons: ['violence'], texts: ['lời riêng của em'], attachments: [] });
    const inbox = await admin.get('/admin/cases');
    expect(inbox.html).toMatch(/id="bell-count" class="bell-count">1</);
    expect(inbox.html).toContain('src="/admin/assets/live.js"');
    const page = await admin.get('/admin/notifications');
    expect(page.html).toContain(c.code);
    expect(page.html).not.toContain('lời riêng của em');
    const poll = JSON.parse((await admin.get('/admin/notifications/poll')).html) as { unread: number; latest: { text: string; urgent: boolean }[] };
    expect(poll.unread).toBe(1);
    expect(poll.latest[0]).toMatchObject({ urgent: true });
    expect(poll.latest[0]!.text).toContain(c.code);
    expect((await admin.postForm('/admin/notifications/read', {})).status).toBe(303);
    const help = (await admin.get('/admin/help')).html;
    for (const key of ['rung1', 'rung2', 'rung3', 'failures', 'engine']) expect(help).toContain(vi(`admin.help.${key}`));
    expect((await admin.get('/admin/cases')).html).toMatch(/id="bell-count" class="bell-count zero">0</);
  });
});
