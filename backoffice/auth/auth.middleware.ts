import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../../app/errors.js';
import { StaffModel, type StaffRole } from '../../models/index.js';
import { ctx, principalOf, type BackofficeDeps } from '../context.js';

/**
 * Lets a request through only for an active staff member who has passed both factors (or only
 * the password when STAFF_2FA=optional and they have not enrolled). Sets the request's staff
 * and principal. Browsers are sent to sign in; a staff member who still owes a second factor
 * or a new password is sent to do that first.
 */
export function requireStaff(deps: BackofficeDeps): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const id = req.session.staffId;
      const staff = id ? await deps.store.collection(StaffModel).findOne({ _id: id, active: true }) : null;
      if (!staff) {
        if (id) req.session.staffId = undefined;
        return res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl)}`);
      }
      if (!req.session.twoFactorOk) {
        const mustEnrol = deps.config.STAFF_2FA === 'required' && !staff.totpEnabled;
        return res.redirect(303, mustEnrol ? '/admin/2fa/enrol' : '/admin/2fa');
      }
      if (staff.mustChangePassword && !req.path.startsWith('/password')) return res.redirect(303, '/admin/password');
      const c = ctx(req);
      c.staff = staff;
      c.principal = principalOf(staff);
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Only these roles may go on; others get 403. */
export function requireRole(...roles: StaffRole[]): RequestHandler {
  return (req, _res, next) => {
    const role = ctx(req).staff?.role;
    next(role && roles.includes(role) ? undefined : new AppError('forbidden', 403));
  };
}
