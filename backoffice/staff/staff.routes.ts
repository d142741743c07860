import { Router, type Request, type Response } from 'express';
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { AppError } from '../../app/errors.js';
import { EXPERTISE, STAFF_ROLES, type Staff } from '../../models/index.js';
import { requireRole } from '../auth/auth.middleware.js';
import { hashPassword, PASSWORD_MIN_LENGTH } from '../auth/passwords.js';
import { NewPasswordFields, passwordErrors } from '../auth/password.routes.js';
import { ctx, type BackofficeDeps } from '../context.js';
import { render } from '../render.js';
import { accountMailText, type AccountMail } from '../../notifications/account-mail.js';
import { areaNames, INVITATION_TTL_MS, inviteSchema, StaffService, staffFieldsSchema } from './staff.service.js';

/** Field → message for a failed staff form: one plain sentence per field. */
function fieldErrors(error: z.ZodError, t: TFunction): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '');
    if (field && !errors[field]) errors[field] = t(`admin.staff.errors.${field}`);
  }
  return errors;
}

/** What a form sent, to show it again unchanged next to its errors. */
function formValues(body: Record<string, unknown>) {
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return { name: text(body.name), email: text(body.email), role: text(body.role), areas: list(body.areas), expertise: list(body.expertise) };
}

const valuesOf = (s: Staff) => ({ name: s.name, email: s.email, role: s.role, areas: s.areas, expertise: s.expertise });

/** The row an admin sees; never the hashes or the sealed secret. */
const rowOf = (s: Staff, me: Staff | undefined) => ({
  id: s._id,
  name: s.name,
  email: s.email,
  role: s.role,
  areas: s.areas,
  expertise: s.expertise,
  active: s.active,
  invited: !s.passwordHash,
  linkPending: Boolean(s.inviteTokenHash && s.inviteExpiresAt && s.inviteExpiresAt > new Date()),
  twoFactor: s.totpEnabled,
  self: s._id === me?._id,
  lastLoginAt: s.lastLoginAt ?? null,
});

const baseUrl = (deps: BackofficeDeps, req: Request) => (deps.config.PUBLIC_URL ?? `${req.protocol}://${req.get('host')}`).replace(/\/$/, '');
const linkFor = (deps: BackofficeDeps, req: Request, token: string) => `${baseUrl(deps, req)}/admin/invite/${token}`;

/**
 * Tells the person by e-mail when SMTP is set up (through the outbox: retried, a failure shown
 * to admins). True when an e-mail was queued; false without SMTP, or when it could not be queued
 * (logged) — the admin then passes the link on, as without SMTP.
 */
async function mailPerson(deps: BackofficeDeps, person: Staff, mail: AccountMail): Promise<boolean> {
  try {
    const queued = await deps.notifications.mailStaff(person, accountMailText(person, mail));
    if (queued) deps.logger.info({ staffId: person._id, mail: mail.kind }, 'account e-mail queued');
    return queued;
  } catch (err) {
    deps.logger.error({ err, staffId: person._id, mail: mail.kind }, 'account e-mail could not be queued');
    return false;
  }
}

/**
 * Staff admin, for admins only: list, invite (an account and a one-time link), edit role,
 * areas and expertise, deactivate or reactivate, reset the second factor, new set-password link.
 */
export function staffRoutes(deps: BackofficeDeps): Router {
  const router = Router();
  const service = new StaffService(deps);
  const common = { roles: STAFF_ROLES, expertiseList: EXPERTISE };
  router.use('/staff', requireRole('admin'));

  const formPage = (req: Request, res: Response, data: { target?: Staff; values: ReturnType<typeof formValues>; errors?: Record<string, string> }, status = 200) => {
    const areas = [...new Set([...areaNames(), ...(data.target?.areas ?? [])])];
    const target = data.target ? rowOf(data.target, ctx(req).staff) : null;
    render(req, res, 'staff/form.njk', { ...common, areas, target, values: data.values, errors: data.errors ?? {} }, status);
  };
  /** Shows the one-time link to the admin, after e-mailing it to the person when SMTP is set up. */
  const linkPage = async (req: Request, res: Response, staff: Staff, token: string, kind: 'invitation' | 'new_link', status = 200) => {
    const link = linkFor(deps, req, token);
    const days = INVITATION_TTL_MS / 86_400_000;
    const mailed = await mailPerson(deps, staff, { kind, link, days });
    render(req, res, 'staff/invited.njk', { person: rowOf(staff, ctx(req).staff), link, days, mailed }, status);
  };
  /** The admin's own account is never deactivated or demoted by mistake: back to the page with why. */
  const refuse = (req: Request, res: Response, id: string, err: unknown) => {
    if (!(err instanceof AppError) || !err.code.startsWith('cannot_')) throw err;
    req.session.flash = ctx(req).t(`admin.staff.errors.${err.code}`);
    res.redirect(303, `/admin/staff/${encodeURIComponent(id)}`);
  };

  router.get('/staff', async (req, res) => {
    const me = ctx(req).staff;
    render(req, res, 'staff/list.njk', { ...common, people: (await service.list()).map((s) => rowOf(s, me)) });
  });

  router.get('/staff/new', (req, res) => formPage(req, res, { values: { name: '', email: '', role: 'counsellor', areas: [], expertise: [] } }));

  router.post('/staff', async (req, res) => {
    const { t, staff: me } = ctx(req);
    const form = inviteSchema(areaNames()).safeParse(req.body);
    const values = formValues(req.body);
    if (!form.success) return formPage(req, res, { values, errors: fieldErrors(form.error, t) }, 400);
    try {
      const { staff, token } = await service.invite(me!, form.data);
      await linkPage(req, res, staff, token, 'invitation', 201);
    } catch (err) {
      if (err instanceof AppError && err.code === 'email_taken') {
        return formPage(req, res, { values, errors: { email: t('admin.staff.errors.email_taken') } }, 409);
      }
      throw err;
    }
  });

  router.get('/staff/:id', async (req, res) => {
    const target = await service.get(req.params.id);
    formPage(req, res, { target, values: valuesOf(target) });
  });

  router.post('/staff/:id', async (req, res) => {
    const { t, staff: me } = ctx(req);
    const target = await service.get(req.params.id);
    const form = staffFieldsSchema([...areaNames(), ...target.areas]).safeParse(req.body);
    const values = { ...formValues(req.body), email: target.email };
    if (!form.success) return formPage(req, res, { target, values, errors: fieldErrors(form.error, t) }, 400);
    if (target._id === me!._id && form.data.role !== 'admin') {
      return formPage(req, res, { target, values, errors: { role: t('admin.staff.errors.cannot_demote_self') } }, 400);
    }
    await service.update(me!, target._id, form.data);
    req.session.flash = t('admin.staff.saved', { name: form.data.name });
    res.redirect(303, '/admin/staff');
  });

  router.post('/staff/:id/deactivate', async (req, res) => {
    const { t, staff: me } = ctx(req);
    try {
      const target = await service.setActive(me!, req.params.id, false);
      req.session.flash = t('admin.staff.deactivated', { name: target.name });
      res.redirect(303, '/admin/staff');
    } catch (err) {
      refuse(req, res, req.params.id, err);
    }
  });

  router.post('/staff/:id/reactivate', async (req, res) => {
    const { t, staff: me } = ctx(req);
    const target = await service.setActive(me!, req.params.id, true);
    req.session.flash = t('admin.staff.reactivated', { name: target.name });
    res.redirect(303, '/admin/staff');
  });

  router.post('/staff/:id/reset-2fa', async (req, res) => {
    const { t, staff: me } = ctx(req);
    try {
      const target = await service.resetTwoFactor(me!, req.params.id);
      const mailed = await mailPerson(deps, target, { kind: 'two_factor_reset', loginUrl: `${baseUrl(deps, req)}/admin/login` });
      req.session.flash = [t('admin.staff.two_factor_reset', { name: target.name }), mailed ? t('admin.staff.two_factor_mailed') : ''].join(' ').trim();
      res.redirect(303, `/admin/staff/${encodeURIComponent(target._id)}`);
    } catch (err) {
      refuse(req, res, req.params.id, err);
    }
  });

  router.post('/staff/:id/invitation', async (req, res) => {
    const { staff, token } = await service.reissueInvitation(ctx(req).staff!, req.params.id);
    await linkPage(req, res, staff, token, 'new_link');
  });

  return router;
}

/**
 * `GET/POST /invite/:token`: public, before sign-in. The invited person (or one given a new
 * set-password link) chooses a password, then signs in and enrols the second factor.
 */
export function invitationRoutes(deps: BackofficeDeps): Router {
  const router = Router();
  const service = new StaffService(deps);
  const invalid = (req: Request, res: Response) => render(req, res, 'auth/invite.njk', { invalid: true }, 404);
  const page = (req: Request, res: Response, person: Staff, errors: Record<string, string> = {}, status = 200) =>
    render(req, res, 'auth/invite.njk', { person: { name: person.name, email: person.email }, errors, token: req.params.token, min: PASSWORD_MIN_LENGTH }, status);

  router.get('/invite/:token', async (req, res) => {
    const person = await service.findByInvitation(req.params.token);
    if (!person) return invalid(req, res);
    page(req, res, person);
  });

  router.post('/invite/:token', async (req, res) => {
    const { t } = ctx(req);
    const person = await service.findByInvitation(req.params.token);
    if (!person) return invalid(req, res);
    const form = NewPasswordFields.safeParse(req.body);
    if (!form.success) {
      return page(req, res, person, passwordErrors(form.error, t), 400);
    }
    const accepted = await service.acceptInvitation(req.params.token, await hashPassword(form.data.newPassword));
    if (!accepted) return invalid(req, res);
    deps.logger.info({ staffId: accepted._id }, 'invitation accepted: password set');
    // This browser may hold a session of the same account (now ended in the store): drop it here too.
    if (req.session.staffId === accepted._id) {
      req.session.staffId = undefined;
      req.session.twoFactorOk = false;
    }
    req.session.flash = t('admin.auth.invite.done');
    res.redirect(303, '/admin/login');
  });

  return router;
}
