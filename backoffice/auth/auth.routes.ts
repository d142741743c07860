import { Router, type Request } from 'express';
import { z } from 'zod';
import { StaffModel } from '../../models/index.js';
import { invitationRoutes } from '../staff/staff.routes.js';
import { ctx, type BackofficeDeps } from '../context.js';
import { render } from '../render.js';
import { failureLimiter, isLocked, recordFailedAttempt, safeNext } from './lockout.js';
import { verifyPassword } from './passwords.js';
import { twoFactorRoutes } from './two-factor.routes.js';

const LoginForm = z.object({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().min(1).max(1024),
  next: z.string().optional(),
});

/**
 * Sign in (password), sign out, and the public pages around them: the second factor and the
 * invitation link. Everything here runs before requireStaff.
 */
export function authRoutes(deps: BackofficeDeps): Router {
  const router = Router();
  const staff = () => deps.store.collection(StaffModel);
  const limiter = failureLimiter(deps, 'auth/login.njk');

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
