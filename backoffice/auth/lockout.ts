import type { RequestHandler } from 'express';
import rateLimit, { ipKeyGenerator } from 'express-rate-limit';
import { SharedRateLimitStore } from '../../coordination/express-rate-limit.store.js';
import { StaffModel, type Staff } from '../../models/index.js';
import { ctx, type BackofficeDeps } from '../context.js';
import { render } from '../render.js';

/** Failed sign-ins before an account is locked, and for how long. */
export const LOCKOUT_AFTER = 5;
export const LOCKOUT_MS = 15 * 60_000;

/** Only local paths under /admin may be returned to after signing in. */
export const safeNext = (next: string | undefined) => (next && /^\/admin(\/[\w\-/?=&%.]*)?$/.test(next) && !next.startsWith('//') ? next : '/admin');

/**
 * Counts one wrong password or code against the account; at LOCKOUT_AFTER it locks the
 * account for LOCKOUT_MS. Returns true when this attempt locked it.
 */
export async function recordFailedAttempt(deps: BackofficeDeps, account: Staff, why: 'password' | 'totp'): Promise<boolean> {
  const staff = deps.store.collection(StaffModel);
  // $inc, so that attempts sent in parallel are all counted.
  const counted = await staff.findOneAndUpdate({ _id: account._id }, { $inc: { failedLogins: 1 } });
  if (!counted || counted.failedLogins < LOCKOUT_AFTER) return false;
  await staff.findOneAndUpdate({ _id: account._id }, { $set: { failedLogins: 0, lockedUntil: new Date(Date.now() + LOCKOUT_MS) } });
  deps.logger.warn({ staffId: account._id, why }, 'account locked after repeated failed sign-ins');
  return true;
}

export const isLocked = (account: Staff) => Boolean(account.lockedUntil && account.lockedUntil > new Date());

/**
 * A per-address limit on failed attempts at a sign-in form (`view` is re-rendered with the
 * message). Only failures count: a whole office of counsellors behind one address signs in freely.
 * Counted in the store, so the limit holds across every instance; the address is kept only as
 * a pseudonym, and only for the window.
 */
export function failureLimiter(deps: Pick<BackofficeDeps, 'store' | 'cipher'>, view: string): RequestHandler {
  return rateLimit({
    windowMs: 15 * 60_000,
    limit: 20,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    store: new SharedRateLimitStore(deps.store, `signin-failures:${view}`),
    keyGenerator: (req) => deps.cipher.pseudonym('rate-limit', ipKeyGenerator(req.ip ?? '')),
    handler: (req, res) => render(req, res, view, { error: ctx(req).t('admin.auth.rate_limited') }, 429),
  });
}
