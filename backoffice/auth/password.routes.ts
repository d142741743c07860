import { Router, type Request, type Response } from 'express';
import type { TFunction } from 'i18next';
import { z } from 'zod';
import { StaffModel } from '../../models/index.js';
import { ctx, type BackofficeDeps } from '../context.js';
import { render } from '../render.js';
import { recordFailedAttempt } from './lockout.js';
import { hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from './passwords.js';

/** A new password and its confirmation, as the password and invitation forms take them. */
export const NewPasswordFields = z
  .object({
    newPassword: z.string().min(PASSWORD_MIN_LENGTH, 'too_short').max(1024, 'too_long'),
    confirmPassword: z.string().max(1024),
  })
  .refine((f) => f.newPassword === f.confirmPassword, { path: ['confirmPassword'], message: 'mismatch' });

const ChangeForm = z.object({ currentPassword: z.string().max(1024) }).and(NewPasswordFields);

/** Field → message for a failed parse of the new-password fields (first issue per field wins). */
export function passwordErrors(error: z.ZodError, t: TFunction): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '');
    if (!field || errors[field]) continue;
    if (field === 'newPassword') errors[field] = t('admin.auth.password_change.too_short', { min: PASSWORD_MIN_LENGTH });
    else if (field === 'confirmPassword') errors[field] = t('admin.auth.password_change.mismatch');
    else errors[field] = t('admin.auth.password_change.wrong_current');
  }
  return errors;
}

/**
 * `GET/POST /password`: a signed-in staff member changes their password (forced after a
 * first sign-in with a generated one). Behind requireStaff, which lets /password through
 * while a change is owed. The change ends the member's other sessions.
 */
export function passwordRoutes(deps: BackofficeDeps): Router {
  const router = Router();
  const staff = () => deps.store.collection(StaffModel);
  const page = (req: Request, res: Response, data: Record<string, unknown> = {}, status = 200) =>
    render(req, res, 'auth/password.njk', { forced: ctx(req).staff?.mustChangePassword ?? false, min: PASSWORD_MIN_LENGTH, errors: {}, ...data }, status);

  router.get('/password', (req, res) => page(req, res));

  router.post('/password', async (req, res, next) => {
    try {
      const { t, staff: me } = ctx(req);
      if (!me) return res.redirect(303, '/admin/login');
      const form = ChangeForm.safeParse(req.body);
      if (!form.success) return page(req, res, { errors: passwordErrors(form.error, t) }, 400);
      if (!(await verifyPassword(me.passwordHash, form.data.currentPassword))) {
        if (await recordFailedAttempt(deps, me, 'password')) {
          await deps.sessions.destroyAllFor(me._id);
          return req.session.destroy(() => render(req, res, 'auth/login.njk', { error: t('admin.auth.locked') }, 423));
        }
        return page(req, res, { errors: { currentPassword: t('admin.auth.password_change.wrong_current') } }, 400);
      }
      if (form.data.newPassword === form.data.currentPassword) {
        return page(req, res, { errors: { newPassword: t('admin.auth.password_change.same_as_current') } }, 400);
      }
      await staff().findOneAndUpdate(
        { _id: me._id },
        { $set: { passwordHash: await hashPassword(form.data.newPassword), mustChangePassword: false, failedLogins: 0, lockedUntil: null } },
      );
      await deps.sessions.destroyAllFor(me._id, req.sessionID);
      deps.logger.info({ staffId: me._id }, 'password changed; other sessions ended');
      req.session.flash = t('admin.auth.password_change.done');
      res.redirect(303, '/admin');
    } catch (err) {
      next(err);
    }
  });

  return router;
}
