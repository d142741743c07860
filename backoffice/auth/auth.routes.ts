import { Router, type Request } from 'express';
import rateLimit from 'express-rate-limit';
import { z } from 'zod';
import { StaffModel, type Staff } from '../../models/index.js';
import { invitationRoutes } from '../staff/staff.routes.js';
import { ctx, type BackofficeDeps } from '../context.js';
import { render } from '../render.js';
import { verifyPassword } from './passwords.js';
import { twoFactorRoutes } from './two-factor.routes.js';

/** Failed sign-ins before an account is locked, and for how long. */
export const LOCKOUT_AFTER = 5;
export const LOCKOUT_MS = 15 * 60_000;

const LoginForm = z.object({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().min(1).max(1024),
  next: z.string().optional(),
});

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
 * Sign in (password), sign out, and the public pages around them: the second factor and the
 * invitation link. Everything here runs before requireStaff.
 */
export function authRoutes(deps: BackofficeDeps): Router {
  const router = Router();
  const staff = () => deps.store.collection(StaffModel);
  const limiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: 20,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Only failures count: a whole office of counsellors behind one address signs in freely.
    skipSuccessfulRequests: true,
    handler: (req, res) => render(req, res, 'auth/login.njk', { error: ctx(req).t('admin.auth.rate_limited') }, 429),
  });

  router.get('/login', (req, res) => {
    if (req.session.staffId && req.session.twoFactorOk) return res.redirect(303, '/admin');
    render(req, res, 'auth/login.njk', { next: typeof req.query.next === 'string' ? req.query.next : '' });
  });

  router.post('/login', limiter, async (req, res, next) => {
    try {
      const { t } = ctx(req);
      const form = LoginForm.safeParse(req.body);
      if (!form.success) return render(req, res, 'auth/login.njk', { error: t('admin.auth.wrong_credentials') }, 400);
      const { email, password } = form.data;
      const account = await staff().findOne({ email, active: true });
      if (account && isLocked(account)) {
        await verifyPassword(null, password);
        deps.logger.warn({ staffId: account._id }, 'sign-in refused: account locked');
        return render(req, res, 'auth/login.njk', { error: t('admin.auth.locked'), email }, 423);
      }
      if (!account || !(await verifyPassword(account.passwordHash, password))) {
        if (account && (await recordFailedAttempt(deps, account, 'password'))) {
          return render(req, res, 'auth/login.njk', { error: t('admin.auth.locked'), email }, 423);
        }
        return render(req, res, 'auth/login.njk', { error: t('admin.auth.wrong_credentials'), email }, 401);
      }
      // Wrong codes still count until the code is right too: a known password must not reset them.
      const reset = account.totpEnabled ? {} : { failedLogins: 0, lockedUntil: null };
      await staff().findOneAndUpdate({ _id: account._id }, { $set: { ...reset, lastLoginAt: new Date() } });
      await regenerate(req);
      req.session.staffId = account._id;
      req.session.twoFactorOk = deps.config.STAFF_2FA === 'optional' && !account.totpEnabled;
      deps.logger.info({ staffId: account._id }, 'password accepted');
      const then = encodeURIComponent(safeNext(form.data.next));
      if (account.totpEnabled) return res.redirect(303, `/admin/2fa?next=${then}`);
      // Not enrolled yet: required → enrol now; optional (local trial) → offered, skippable.
      res.redirect(303, `/admin/2fa/enrol?next=${then}`);
    } catch (err) {
      next(err);
    }
  });

  router.post('/logout', (req, res, next) => {
    req.session.destroy((err) => {
      if (err) return next(err);
      res.clearCookie('htx_sid', { path: '/admin' });
      res.redirect(303, '/admin/login');
    });
  });
  router.use(twoFactorRoutes(deps));
  router.use(invitationRoutes(deps));
  return router;
}

/** A new session id at sign-in, so a session fixed before it is worth nothing. */
export function regenerate(req: Request) {
  return new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}
