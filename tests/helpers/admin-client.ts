import { generate, generateSecret } from 'otplib';
import type { App } from '../../app/app.js';
import { hashPassword } from '../../backoffice/auth/passwords.js';
import { StaffModel, type Expertise, type Staff, type StaffRole } from '../../models/index.js';

/** One answer of the back office, redirects not followed. */
export interface AdminResponse {
  status: number;
  /** The Location header of a redirect, or null. */
  location: string | null;
  html: string;
  headers: Headers;
  /** The path that was asked for. */
  path: string;
}

export type FormFields = Record<string, string | string[] | undefined>;

const PERIOD_S = 30;
const lastStepUsed = new Map<string, number>();

/** The TOTP code of `secret` for one 30-second time step. */
export const totpCodeAt = (secret: string, step: number) => generate({ secret, epoch: step * PERIOD_S });

/**
 * A code the server will accept now and has not seen yet: the current step, else the next one
 * (accepted as clock drift); waits for the clock when both were used by this process already.
 * The server refuses a code whose step is not after the last one it accepted.
 */
export async function freshTotpCode(secret: string): Promise<string> {
  const now = () => Math.floor(Date.now() / 1000 / PERIOD_S);
  const step = Math.max(now(), (lastStepUsed.get(secret) ?? -Infinity) + 1);
  const waitMs = (step - 1) * PERIOD_S * 1000 - Date.now() + 200;
  if (step > now() + 1 && waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
  lastStepUsed.set(secret, step);
  return totpCodeAt(secret, step);
}

/** The CSRF token of the first form in a page, or null. */
export const csrfTokenFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? null;

/** The one-time recovery codes listed on the page that shows them. */
export const recoveryCodesFrom = (html: string) => [...html.matchAll(/<li><code>([a-z2-9]{5}-[a-z2-9]{5})<\/code><\/li>/g)].map((m) => m[1]!);

/** The base32 secret shown on the enrolment page (grouped by four for people). */
export const totpSecretFrom = (html: string) => /id="totp-secret">([A-Z2-7 ]+)</.exec(html)?.[1]?.replace(/\s/g, '') ?? null;

/** The invitation (set-password) link shown once to the admin. */
export const inviteLinkFrom = (html: string) => /id="invite-link">([^<]+)</.exec(html)?.[1] ?? null;

/**
 * A browser-like client of the back office: keeps cookies, reads the CSRF token from the pages
 * it gets, and never follows redirects unless asked, so tests see every 303.
 */
export class AdminClient {
  readonly cookies = new Map<string, string>();
  /** The CSRF token of this session, read from the last page that had a form. */
  csrf: string | null = null;

  constructor(readonly baseUrl: string) {}

  /** GET `path` (e.g. `/admin/staff`). */
  get(path: string): Promise<AdminResponse> {
    return this.request('GET', path);
  }

  /**
   * POSTs a urlencoded form (repeated names as arrays). The session's CSRF token is added
   * unless `fields` has its own `_csrf` (to send a wrong one) or `options.csrf` is false (none).
   */
  async postForm(path: string, fields: FormFields, options: { csrf?: boolean } = {}): Promise<AdminResponse> {
    const body = new URLSearchParams();
    if (options.csrf !== false && !('_csrf' in fields)) body.append('_csrf', this.csrf ?? (await this.refreshCsrf()) ?? '');
    for (const [name, value] of Object.entries(fields)) {
      for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) body.append(name, v);
    }
    return this.request('POST', path, body);
  }

  /** Follows a redirect answer with GETs until a page; returns that page. */
  async follow(res: AdminResponse, max = 10): Promise<AdminResponse> {
    let current = res;
    for (let i = 0; i < max && current.location && current.status >= 300 && current.status < 400; i++) {
      current = await this.get(current.location);
    }
    return current;
  }

  /**
   * Signs in with the password and, when the server asks for it and `totpSecret` is given, a
   * fresh TOTP code. Returns the last answer: a 303 to the page asked for (by default /admin)
   * when signed in; a 303 to /admin/2fa/enrol when the account must enrol first (see
   * `enrolTwoFactor`); the sign-in page with 401/423/429 when refused.
   */
  async signIn(email: string, password: string, totpSecret?: string): Promise<AdminResponse> {
    this.cookies.clear();
    this.csrf = null;
    await this.get('/admin/login');
    const res = await this.postForm('/admin/login', { email, password });
    if (!res.location?.startsWith('/admin/2fa?') || !totpSecret) return res;
    await this.get(res.location);
    return this.postForm('/admin/2fa', { code: await freshTotpCode(totpSecret), next: new URL(res.location, this.baseUrl).searchParams.get('next') ?? '' });
  }

  /**
   * Completes enrolment for a session past the password: reads the secret from the page, confirms
   * a code, and reads the recovery codes shown once on the page it is sent to.
   */
  async enrolTwoFactor(): Promise<{ secret: string; res: AdminResponse; recoveryCodes: string[] }> {
    const page = await this.get('/admin/2fa/enrol');
    const secret = totpSecretFrom(page.html);
    if (page.status !== 200 || !secret) throw new Error(`no enrolment page (status ${page.status}, location ${page.location})`);
    const res = await this.postForm('/admin/2fa/enrol', { code: await freshTotpCode(secret) });
    const recoveryCodes = res.location?.startsWith('/admin/2fa/recovery-codes') ? recoveryCodesFrom((await this.get(res.location)).html) : [];
    return { secret, res, recoveryCodes };
  }

  /** A fresh CSRF token for this session, read from a page that carries one. */
  async refreshCsrf(): Promise<string | null> {
    await this.follow(await this.get(this.cookies.has('htx_sid') ? '/admin/password' : '/admin/login'));
    return this.csrf;
  }

  private async request(method: 'GET' | 'POST', path: string, body?: URLSearchParams): Promise<AdminResponse> {
    const url = new URL(path, this.baseUrl);
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) this.keepCookie(line);
    const html = await res.text();
    if ((res.headers.get('content-type') ?? '').includes('html')) this.csrf = csrfTokenFrom(html) ?? this.csrf;
    const location = res.headers.get('location');
    return { status: res.status, location, html, headers: res.headers, path: url.pathname + url.search };
  }

  private keepCookie(line: string) {
    const [pair, ...attrs] = line.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && new Date(a.split('=')[1]!) < new Date()));
    // A new session (sign-in regenerates it) has a new CSRF token: read it again before posting.
    if (name === 'htx_sid' && this.cookies.get(name) !== value) this.csrf = null;
    if (expired || value === '') this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

/**
 * Puts a staff account straight into the store, bypassing the invitation: with a password and,
 * unless `twoFactor: false`, an enrolled TOTP secret (returned, for `signIn`).
 */
export async function createStaffAccount(
  app: Pick<App, 'store' | 'cipher'>,
  input: { email: string; password: string; name?: string; role?: StaffRole; areas?: string[]; expertise?: Expertise[]; twoFactor?: boolean; mustChangePassword?: boolean },
): Promise<{ staff: Staff; totpSecret: string | null }> {
  const totpSecret = input.twoFactor === false ? null : generateSecret();
  const staff = await app.store.collection(StaffModel).insertOne({
    email: input.email,
    name: input.name ?? input.email.split('@')[0]!,
    role: input.role ?? 'counsellor',
    areas: input.areas ?? [],
    expertise: input.expertise ?? [],
    passwordHash: await hashPassword(input.password),
    totpEnabled: totpSecret !== null,
    totpSecretEnc: totpSecret ? app.cipher.encrypt(totpSecret) : null,
    mustChangePassword: input.mustChangePassword ?? false,
  });
  return { staff, totpSecret };
}
