import { Router, type Request } from 'express';
import rateLimit from 'express-rate-limit';
import { z } from 'zod';
import { StaffModel } from '../../models/index.js';
import { ctx, type BackofficeDeps } from '../context.js';
import { render } from '../render.js';
import { verifyPassword } from './passwords.js';

/** Failed sign-ins before an account is locked, and for how long. */
export const LOCKOUT_AFTER = 5;
export const LOCKOUT_MS = 15 * 60_000;

const LoginForm = z.object({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().min(1).max(1024),
  next: z.string().optional(),
});

/** Only local paths under /admin may be returned to after signing in. */
const safeNext = (next: string | undefined) => (next && /^\/admin(\/[\w\-/?=&%.]*)?$/.test(next) && !next.startsWith('//') ? next : '/admin');

/** Sign in (password), sign out. The second factor and password changes live beside this. */
export function authRoutes(deps: BackofficeDeps): Router {
  const router = Router();
  const staff = () => deps.store.collection(StaffModel);
  const limiter = rateLimit({
    windowMs: 15 * 60_000,
    limit: 20,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
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
      if (account?.lockedUntil && account.lockedUntil > new Date()) {
        await verifyPassword(null, password);
        deps.logger.warn({ staffId: account._id }, 'sign-in refused: account locked');
        return render(req, res, 'auth/login.njk', { error: t('admin.auth.locked'), email }, 423);
      }
      if (!account || !(await verifyPassword(account.passwordHash, password))) {
        if (account) {
          const failed = account.failedLogins + 1;
          await staff().findOneAndUpdate(
            { _id: account._id },
            { $set: { failedLogins: failed >= LOCKOUT_AFTER ? 0 : failed, lockedUntil: failed >= LOCKOUT_AFTER ? new Date(Date.now() + LOCKOUT_MS) : null } },
          );
          if (failed >= LOCKOUT_AFTER) {
            deps.logger.warn({ staffId: account._id }, 'account locked after repeated failed sign-ins');
            return render(req, res, 'auth/login.njk', { error: t('admin.auth.locked'), email }, 423);
          }
        }
        return render(req, res, 'auth/login.njk', { error: t('admin.auth.wrong_credentials'), email }, 401);
      }
      await staff().findOneAndUpdate({ _id: account._id }, { $set: { failedLogins: 0, lockedUntil: null, lastLoginAt: new Date() } });
      await regenerate(req);
      req.session.staffId = account._id;
      req.session.twoFactorOk = deps.config.STAFF_2FA === 'optional' && !account.totpEnabled;
      deps.logger.info({ staffId: account._id }, 'password accepted');
      if (!req.session.twoFactorOk) return res.redirect(303, account.totpEnabled ? '/admin/2fa' : '/admin/2fa/enrol');
      res.redirect(303, safeNext(form.data.next));
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
  return router;
}

/** A new session id at sign-in, so a session fixed before it is worth nothing. */
export function regenerate(req: Request) {
  return new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}
