import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../app/config.js';
import { startApp, type App } from '../../app/app.js';
import { LOCKOUT_AFTER } from '../../backoffice/auth/lockout.js';
import { AuditEventModel, OutboxModel, StaffModel, StaffSessionModel } from '../../models/index.js';
import { AdminClient, createStaffAccount, csrfTokenFrom, freshTotpCode, inviteLinkFrom, recoveryCodesFrom, totpCodeAt } from '../helpers/admin-client.js';
import { engineEnv } from '../helpers/engines.js';

const ADMIN = { email: 'admin@example.test', password: 'correct horse battery' };

/** A 6-digit code that is none of the codes the server accepts right now. */
async function wrongCode(secret: string): Promise<string> {
  const now = Math.floor(Date.now() / 30_000);
  const valid = await Promise.all([-1, 0, 1, 2].map((d) => totpCodeAt(secret, now + d)));
  return ['000000', '123456', '999999', '424242', '101010'].find((c) => !valid.includes(c))!;
}

async function startTestApp(prefix: string, env: Record<string, string> = {}): Promise<{ app: App; dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const config = loadConfig({ ...engineEnv(), PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ...env });
  return { app: await startApp(config, { processEvery: 50 }), dataDir };
}

describe('back-office sign-in, two-factor and staff admin (the real app, in-process)', () => {
  let app: App;
  let dataDir: string;
  /** The admin, signed in with both factors in beforeAll. */
  let admin: AdminClient;
  let adminSecret: string;
  let n = 0;
  const uniqueEmail = (who: string) => `${who}.${++n}@example.test`;

  const staff = () => app.store.collection(StaffModel);
  const byEmail = async (email: string) => (await staff().findOne({ email }))!;
  const sessionsOf = (staffId: string) => app.store.collection(StaffSessionModel).count({ 'data.staffId': staffId });

  /** A counsellor (or other role) fully signed in, in its own client. */
  async function signedIn(role: 'counsellor' | 'coordinator' | 'admin' = 'counsellor') {
    const password = 'a long enough password';
    const { staff: account, totpSecret } = await createStaffAccount(app, { email: uniqueEmail(role), password, role });
    const client = new AdminClient(app.url);
    const res = await client.signIn(account.email, password, totpSecret!);
    expect(res).toMatchObject({ status: 303, location: '/admin' });
    return { client, account, password, totpSecret: totpSecret! };
  }

  beforeAll(async () => {
    ({ app, dataDir } = await startTestApp('htx-auth-'));
    admin = new AdminClient(app.url);
    const first = await admin.signIn(ADMIN.email, ADMIN.password);
    expect(first).toMatchObject({ status: 303, location: '/admin/2fa/enrol?next=%2Fadmin' });
    ({ secret: adminSecret } = await admin.enrolTwoFactor());
  });
  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('when the first admin signs in, then enrolment is forced, and after a right code the back office opens', async () => {
    const client = new AdminClient(app.url);
    const { staff: account } = await createStaffAccount(app, { email: uniqueEmail('fresh'), password: 'fresh password 123', role: 'admin', twoFactor: false });
    const signIn = await client.signIn(account.email, 'fresh password 123');
    expect(signIn).toMatchObject({ status: 303, location: '/admin/2fa/enrol?next=%2Fadmin' });

    // Nothing behind sign-in opens before the second factor.
    expect((await client.get('/admin/staff')).location).toBe('/admin/2fa/enrol');
    expect((await client.get('/admin')).location).toBe('/admin/2fa/enrol');

    const page = await client.get('/admin/2fa/enrol');
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/<img class="qr" src="data:image\/png;base64,[A-Za-z0-9+/=]+"/);
    const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(page.html)![1]!.replace(/ /g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    // Reloading keeps the same secret (the app may hold it already).
    expect((await client.get('/admin/2fa/enrol')).html).toContain(`id="totp-secret">${secret.replace(/(.{4})(?=.)/g, '$1 ')}<`);

    const wrong = await client.postForm('/admin/2fa/enrol', { code: await wrongCode(secret) });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain('aria-invalid="true"');
    expect((await byEmail(account.email)).totpEnabled).toBe(false);

    const ok = await client.postForm('/admin/2fa/enrol', { code: await freshTotpCode(secret), next: '/admin' });
    expect(ok).toMatchObject({ status: 303, location: '/admin/2fa/recovery-codes?next=%2Fadmin' });
    const saved = await byEmail(account.email);
    expect(saved.totpEnabled).toBe(true);
    expect(saved.totpSecretEnc).toBeTruthy();
    expect(saved.totpSecretEnc).not.toContain(secret);
    expect(app.cipher.decrypt(saved.totpSecretEnc!)).toBe(secret);
    expect(saved.totpLastStep).toBeGreaterThan(0);

    // The inbox is behind requireStaff: no more redirects to a sign-in step.
    const inbox = await client.get('/admin');
    expect(inbox.location ?? '').not.toMatch(/login|2fa|password/);
    expect(inbox.status).toBeLessThan(500);
    expect((await client.get('/admin/staff')).status).toBe(200);
  });

  it('when a code was already accepted, then the same code is refused at the next sign-in', async () => {
    const { account, password, totpSecret } = await signedIn();
    const lastStep = (await byEmail(account.email)).totpLastStep!;
    const again = new AdminClient(app.url);
    const pwd = await again.signIn(account.email, password);
    expect(pwd.location).toBe('/admin/2fa?next=%2Fadmin');
    await again.get('/admin/2fa');
    const reused = await again.postForm('/admin/2fa', { code: await totpCodeAt(totpSecret, lastStep) });
    expect(reused.status).toBe(401);
    expect(reused.html).toContain('vừa được dùng');
    expect((await again.get('/admin/staff')).location).toBe('/admin/2fa');
    const fresh = await again.postForm('/admin/2fa', { code: await freshTotpCode(totpSecret) });
    expect(fresh).toMatchObject({ status: 303, location: '/admin' });
  });

  it('when the password is wrong five times, then the account is locked and even the right password gets 423', async () => {
    const { staff: account, totpSecret } = await createStaffAccount(app, { email: uniqueEmail('locked'), password: 'the right password' });
    const client = new AdminClient(app.url);
    for (let i = 1; i < LOCKOUT_AFTER; i++) expect((await client.signIn(account.email, `wrong ${i}`)).status).toBe(401);
    expect((await client.signIn(account.email, 'wrong again')).status).toBe(423);
    const right = await client.signIn(account.email, 'the right password', totpSecret!);
    expect(right.status).toBe(423);
    expect(right.html).toContain('khóa');
    expect((await byEmail(account.email)).lockedUntil!.getTime()).toBeGreaterThan(Date.now());
  });

  it('when wrong two-factor codes are typed, then they count toward the same lockout, even across password sign-ins', async () => {
    const { staff: account, totpSecret } = await createStaffAccount(app, { email: uniqueEmail('totp-locked'), password: 'the right password' });
    const client = new AdminClient(app.url);
    const bad = await wrongCode(totpSecret!);
    await client.signIn(account.email, 'the right password');
    for (let i = 1; i < LOCKOUT_AFTER - 1; i++) expect((await client.postForm('/admin/2fa', { code: bad })).status).toBe(401);
    // The right password again does not wipe the wrong codes.
    expect((await client.signIn(account.email, 'the right password')).location).toBe('/admin/2fa?next=%2Fadmin');
    expect((await client.postForm('/admin/2fa', { code: bad })).status).toBe(401);
    const last = await client.postForm('/admin/2fa', { code: bad });
    expect(last.status).toBe(423);
    // The half-signed-in session is worth nothing now, and so is the right password.
    expect((await client.get('/admin/2fa')).location).toBe('/admin/login');
    expect((await client.signIn(account.email, 'the right password', totpSecret!)).status).toBe(423);
  });

  it('when a form is posted without a CSRF token or with a wrong one, then it is refused with 403 and nothing changes', async () => {
    const before = await staff().count({});
    const invite = { name: 'Nguyễn Văn A', email: uniqueEmail('csrf'), role: 'counsellor' };
    expect((await admin.postForm('/admin/staff', invite, { csrf: false })).status).toBe(403);
    expect((await admin.postForm('/admin/staff', { ...invite, _csrf: 'not-the-token' })).status).toBe(403);
    expect(await staff().count({})).toBe(before);

    const { account } = await signedIn();
    expect((await admin.postForm(`/admin/staff/${account._id}/deactivate`, {}, { csrf: false })).status).toBe(403);
    expect((await byEmail(account.email)).active).toBe(true);
    // Sign-in itself is a form too.
    const stranger = new AdminClient(app.url);
    await stranger.get('/admin/login');
    expect((await stranger.postForm('/admin/login', { email: ADMIN.email, password: ADMIN.password, _csrf: 'forged' })).status).toBe(403);
  });

  it('when a counsellor posts a form to the admin routes, then the answer is 403 and nothing changes', async () => {
    const { client } = await signedIn('counsellor');
    const adminDoc = await byEmail(ADMIN.email);
    const before = await staff().count({});
    expect((await client.get('/admin/staff')).status).toBe(403);
    expect((await client.postForm('/admin/staff', { name: 'X', email: uniqueEmail('x'), role: 'admin' })).status).toBe(403);
    expect((await client.postForm(`/admin/staff/${adminDoc._id}/deactivate`, {})).status).toBe(403);
    expect((await client.postForm(`/admin/staff/${adminDoc._id}`, { name: 'Pwned', role: 'counsellor' })).status).toBe(403);
    expect(await staff().count({})).toBe(before);
    expect(await byEmail(ADMIN.email)).toMatchObject({ active: true, role: 'admin', name: adminDoc.name });
    const { client: coordinator } = await signedIn('coordinator');
    expect((await coordinator.postForm(`/admin/staff/${adminDoc._id}/reset-2fa`, {})).status).toBe(403);
  });

  it('when an admin invites a counsellor, then the link lets them set a password, sign in and enrol', async () => {
    const email = uniqueEmail('invited');
    const created = await admin.postForm('/admin/staff', {
      name: 'Trần Thị Bình',
      email: email.toUpperCase(),
      role: 'counsellor',
      areas: ['Hà Nội', 'Huế'],
      expertise: ['psychology', 'law'],
    });
    expect(created.status).toBe(201);
    expect(created.html).toContain('SMTP_URL');
    // Without SMTP nothing is e-mailed: the link is for the admin to pass on.
    expect(await app.store.collection(OutboxModel).count({ channel: 'email' })).toBe(0);
    const link = inviteLinkFrom(created.html)!;
    expect(link).toMatch(new RegExp(`^${app.url}/admin/invite/[A-Za-z0-9_-]{43}$`));
    const token = link.split('/').pop()!;

    const stored = await byEmail(email);
    expect(stored).toMatchObject({ name: 'Trần Thị Bình', role: 'counsellor', areas: ['Hà Nội', 'Huế'], expertise: ['psychology', 'law'], passwordHash: null, active: true });
    expect(stored.inviteTokenHash).toBe(crypto.createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(stored)).not.toContain(token);
    const days = (stored.inviteExpiresAt!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);

    const invitee = new AdminClient(app.url);
    const path = new URL(link).pathname;
    const page = await invitee.get(path);
    expect(page.status).toBe(200);
    expect(page.html).toContain(email);
    const short = await invitee.postForm(path, { newPassword: 'short', confirmPassword: 'short' });
    expect(short.status).toBe(400);
    expect(short.html).toMatch(/id="newPassword"[^>]*aria-invalid="true"[^>]*aria-describedby="newPassword-error/);
    const mismatch = await invitee.postForm(path, { newPassword: 'my own long password', confirmPassword: 'my own long passwrd' });
    expect(mismatch.html).toMatch(/id="confirmPassword"[^>]*aria-invalid="true"/);
    expect((await byEmail(email)).passwordHash).toBeNull();

    const set = await invitee.postForm(path, { newPassword: 'my own long password', confirmPassword: 'my own long password' });
    expect(set).toMatchObject({ status: 303, location: '/admin/login' });
    expect((await invitee.get(path)).status).toBe(404);
    expect(await byEmail(email)).toMatchObject({ inviteTokenHash: null, mustChangePassword: false });

    expect((await invitee.signIn(email, 'my own long password')).location).toBe('/admin/2fa/enrol?next=%2Fadmin');
    const { res } = await invitee.enrolTwoFactor();
    expect(res).toMatchObject({ status: 303, location: '/admin/2fa/recovery-codes?next=%2Fadmin' });
    const row = (await admin.get('/admin/staff')).html.split('<tr').find((r) => r.includes(email))!;
    expect(row).toContain('Trần Thị Bình');
    expect(row).toContain('Hà Nội, Huế');
    expect(row).toContain('Tâm lý, Pháp luật');
    expect(row).toContain('Đã bật');
  });

  it('when the invite form has bad input, then each field says what is wrong and nothing is saved', async () => {
    const before = await staff().count({});
    const bad = await admin.postForm('/admin/staff', { name: '  ', email: 'not-an-email', role: 'boss', areas: ['Atlantis'], expertise: ['magic'] });
    expect(bad.status).toBe(400);
    for (const field of ['name', 'email']) {
      expect(bad.html).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"[^>]*aria-describedby="${field}-error"`));
      expect(bad.html).toContain(`id="${field}-error"`);
    }
    expect(bad.html).toMatch(/id="role"[^>]*aria-invalid="true"[^>]*aria-describedby="role-error/);
    expect(bad.html).toContain('id="areas-error"');
    expect(bad.html).toContain('id="expertise-error"');
    expect(bad.html).toContain('value="not-an-email"');
    expect(await staff().count({})).toBe(before);

    const taken = await admin.postForm('/admin/staff', { name: 'Someone', email: ADMIN.email.toUpperCase(), role: 'counsellor' });
    expect(taken.status).toBe(409);
    expect(taken.html).toContain('Email này đã có tài khoản');
    expect(await staff().count({})).toBe(before);
  });

  it('when an admin edits a member, then role, areas, expertise and name change, but an admin cannot demote themself', async () => {
    const { account } = await signedIn();
    const saved = await admin.postForm(`/admin/staff/${account._id}`, { name: 'Lê Văn C', role: 'coordinator', areas: 'Cần Thơ', expertise: ['health'] });
    expect(saved).toMatchObject({ status: 303, location: '/admin/staff' });
    expect(await byEmail(account.email)).toMatchObject({ name: 'Lê Văn C', role: 'coordinator', areas: ['Cần Thơ'], expertise: ['health'] });

    const me = await byEmail(ADMIN.email);
    const demote = await admin.postForm(`/admin/staff/${me._id}`, { name: me.name, role: 'counsellor' });
    expect(demote.status).toBe(400);
    expect((await byEmail(ADMIN.email)).role).toBe('admin');
    const selfOff = await admin.postForm(`/admin/staff/${me._id}/deactivate`, {});
    expect(selfOff.location).toBe(`/admin/staff/${me._id}`);
    expect((await byEmail(ADMIN.email)).active).toBe(true);
  });

  it('when an admin deactivates a member, then their session ends and they cannot sign in until reactivated', async () => {
    const { client, account, password, totpSecret } = await signedIn();
    expect(await sessionsOf(account._id)).toBe(1);
    const off = await admin.postForm(`/admin/staff/${account._id}/deactivate`, {});
    expect(off).toMatchObject({ status: 303, location: '/admin/staff' });
    expect(await sessionsOf(account._id)).toBe(0);
    expect((await client.get('/admin/password')).location).toMatch(/^\/admin\/login/);
    expect((await new AdminClient(app.url).signIn(account.email, password, totpSecret)).status).toBe(401);

    await admin.postForm(`/admin/staff/${account._id}/reactivate`, {});
    expect((await new AdminClient(app.url).signIn(account.email, password, totpSecret)).location).toBe('/admin');
  });

  it('when an admin resets a member\'s two-factor, then their sessions end and they enrol again at the next sign-in', async () => {
    const { client, account, password } = await signedIn();
    const reset = await admin.postForm(`/admin/staff/${account._id}/reset-2fa`, {});
    expect(reset.status).toBe(303);
    expect(await byEmail(account.email)).toMatchObject({ totpEnabled: false, totpSecretEnc: null, totpLastStep: null, recoveryCodeHashes: [] });
    const audited = await app.store.collection(AuditEventModel).findOne({ action: 'staff.2fa_reset', 'details.staffId': account._id });
    expect(audited?.actorId).toBeTruthy();
    expect((await client.get('/admin/password')).location).toMatch(/^\/admin\/login/);
    expect((await client.signIn(account.email, password)).location).toBe('/admin/2fa/enrol?next=%2Fadmin');
  });

  it('when a member enrols, then ten recovery codes are shown once and stored only hashed', async () => {
    const client = new AdminClient(app.url);
    const { staff: account } = await createStaffAccount(app, { email: uniqueEmail('codes'), password: 'codes password 123', role: 'counsellor', twoFactor: false });
    await client.signIn(account.email, 'codes password 123');
    const { recoveryCodes } = await client.enrolTwoFactor();
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    // Shown once: the page now only says how many are left.
    const again = await client.get('/admin/2fa/recovery-codes');
    expect(recoveryCodesFrom(again.html)).toEqual([]);
    expect(again.html).toContain('10');
    const saved = await byEmail(account.email);
    expect(saved.recoveryCodeHashes).toHaveLength(10);
    const dump = JSON.stringify(saved);
    for (const code of recoveryCodes) {
      expect(dump).not.toContain(code);
      expect(dump).not.toContain(code.replace('-', ''));
    }
  });

  it('when a member has lost the phone, then a recovery code signs them in once, and a used or wrong one is refused', async () => {
    const client = new AdminClient(app.url);
    const password = 'lost phone password 1';
    const { staff: account } = await createStaffAccount(app, { email: uniqueEmail('lost'), password, role: 'counsellor', twoFactor: false });
    await client.signIn(account.email, password);
    const { recoveryCodes } = await client.enrolTwoFactor();
    const [first, second] = recoveryCodes;

    const signIn = async (code: string) => {
      const c = new AdminClient(app.url);
      await c.signIn(account.email, password);
      await c.get('/admin/2fa');
      return { c, res: await c.postForm('/admin/2fa', { code }) };
    };
    // Typed as it is read off paper: upper case, with spaces.
    const ok = await signIn(` ${first!.toUpperCase().replace('-', ' ')} `);
    expect(ok.res.status).toBe(303);
    expect((await ok.c.get('/admin/staff')).status).toBe(403); // signed in: a counsellor has no staff page
    expect((await byEmail(account.email)).recoveryCodeHashes).toHaveLength(9);
    const used = await app.store.collection(AuditEventModel).findOne({ action: 'staff.recovery_code_used', actorId: account._id });
    expect(used?.details).toMatchObject({ left: 9 });

    const reused = await signIn(first!);
    expect(reused.res.status).toBe(401);
    expect((await reused.c.get('/admin/cases')).location).toBe('/admin/2fa');
    const wrong = await signIn('abcde-fghjk');
    expect(wrong.res.status).toBe(401);
    expect((await byEmail(account.email)).failedLogins).toBe(2);

    // A new set replaces the old one: the unused old code stops working.
    const renewed = await ok.c.postForm('/admin/2fa/recovery-codes', {});
    expect(renewed.location).toMatch(/^\/admin\/2fa\/recovery-codes/);
    const fresh = recoveryCodesFrom((await ok.c.get(renewed.location!)).html);
    expect(fresh).toHaveLength(10);
    expect((await signIn(second!)).res.status).toBe(401);
    expect((await signIn(fresh[0]!)).res.status).toBe(303);
  });

  it('when a member must change a generated password, then nothing else opens until they do, and the change ends their other sessions', async () => {
    const { staff: account, totpSecret } = await createStaffAccount(app, { email: uniqueEmail('generated'), password: 'generated password', mustChangePassword: true });
    const other = new AdminClient(app.url);
    expect((await other.signIn(account.email, 'generated password', totpSecret!)).location).toBe('/admin');
    const client = new AdminClient(app.url);
    expect((await client.signIn(account.email, 'generated password', totpSecret!)).location).toBe('/admin');
    expect((await client.get('/admin')).location).toBe('/admin/password');
    expect((await client.get('/admin/password')).html).toContain('mật khẩu do hệ thống tạo');

    const mismatch = await client.postForm('/admin/password', { currentPassword: 'generated password', newPassword: 'a brand new password', confirmPassword: 'something else' });
    expect(mismatch.status).toBe(400);
    const wrongCurrent = await client.postForm('/admin/password', { currentPassword: 'nope', newPassword: 'a brand new password', confirmPassword: 'a brand new password' });
    expect(wrongCurrent.status).toBe(400);
    expect(wrongCurrent.html).toMatch(/id="currentPassword"[^>]*aria-invalid="true"/);
    const done = await client.postForm('/admin/password', { currentPassword: 'generated password', newPassword: 'a brand new password', confirmPassword: 'a brand new password' });
    expect(done).toMatchObject({ status: 303, location: '/admin' });
    expect(await byEmail(account.email)).toMatchObject({ mustChangePassword: false });
    expect(await sessionsOf(account._id)).toBe(1);
    expect((await other.get('/admin/password')).location).toMatch(/^\/admin\/login/);
    expect((await client.get('/admin/password')).status).toBe(200);
    expect((await new AdminClient(app.url).signIn(account.email, 'generated password')).status).toBe(401);
  });

  it('sends strict security headers and an HttpOnly, SameSite session cookie', async () => {
    const res = await fetch(`${app.url}/admin/login`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain('img-src \'self\' data:');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('htx_sid='))!;
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Lax/i);
    expect(cookie).toMatch(/;\s*Path=\/admin/i);
    expect(csrfTokenFrom(await res.text())).toBeTruthy();
  });
});

describe('the sign-in rate limit', () => {
  let app: App;
  let dataDir: string;
  beforeAll(async () => {
    ({ app, dataDir } = await startTestApp('htx-auth-limit-'));
  });
  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 429 once one address has failed to sign in too often, even with the right password', async () => {
    const client = new AdminClient(app.url);
    await client.get('/admin/login');
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await client.postForm('/admin/login', { email: `nobody${i}@example.test`, password: 'whatever it is' })).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses[20]).toBe(429);
    const right = await client.postForm('/admin/login', { email: ADMIN.email, password: ADMIN.password });
    expect(right.status).toBe(429);
    expect(right.headers.get('ratelimit-policy')).toBeTruthy();
  });
});

describe('with STAFF_2FA=optional (a local trial only)', () => {
  let app: App;
  let dataDir: string;
  beforeAll(async () => {
    ({ app, dataDir } = await startTestApp('htx-auth-optional-', { STAFF_2FA: 'optional' }));
  });
  afterAll(async () => {
    await app?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('offers enrolment after the password but lets the staff member skip it, and asks for a code once enrolled', async () => {
    const client = new AdminClient(app.url);
    expect((await client.signIn(ADMIN.email, ADMIN.password)).location).toBe('/admin/2fa/enrol?next=%2Fadmin');
    const offer = await client.get('/admin/2fa/enrol?next=%2Fadmin');
    expect(offer.status).toBe(200);
    expect(offer.html).toMatch(/class="muted skip-2fa">[^<]*<a href="\/admin">/);
    expect((await client.get('/admin/staff')).status).toBe(200);

    const { secret } = await client.enrolTwoFactor();
    const again = new AdminClient(app.url);
    expect((await again.signIn(ADMIN.email, ADMIN.password)).location).toBe('/admin/2fa?next=%2Fadmin');
    expect((await again.get('/admin/staff')).location).toBe('/admin/2fa');
    expect((await again.signIn(ADMIN.email, ADMIN.password, secret)).location).toBe('/admin');
  });
});
