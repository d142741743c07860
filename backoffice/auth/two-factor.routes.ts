import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AuditEventModel, StaffModel, type Staff } from '../../models/index.js';
import { ctx, type BackofficeDeps } from '../context.js';
import { render } from '../render.js';
import { requireStaff } from './auth.middleware.js';
import { failureLimiter, isLocked, recordFailedAttempt, safeNext } from './lockout.js';
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes.js';

/** The one-time-code library and the QR code maker load at their first use: a third of a second of every start otherwise. */
const otp = () => import('otplib');

/** The name authenticator apps show above the code. */
const ISSUER = 'Hộp Thư Xanh';
/** ±30 s: the code of the step before and after the current one is accepted (clock drift). */
const DRIFT_SECONDS = 30;

const CodeForm = z.object({
  code: z
    .string()
    .transform((v) => v.replace(/[\s-]/g, ''))
    .pipe(z.string().regex(/^\d{6}$/)),
  next: z.string().optional(),
});

/** At the sign-in prompt: a 6-digit code, or one of the account's recovery codes. */
const PromptForm = z.object({ code: z.string().max(40), next: z.string().optional() });

/**
 * Checks a 6-digit TOTP code against a base32 secret, allowing one step of drift each way.
 * Returns the time step the code belongs to, or null when it is wrong.
 */
export async function checkTotp(secret: string, code: string): Promise<number | null> {
  try {
    const { verify } = await otp();
    const result = await verify({ secret, token: code, epochTolerance: DRIFT_SECONDS });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  } catch {
    return null;
  }
}

/** The secret grouped by four, easier to type into an app by hand. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * The second factor: `GET/POST /2fa/enrol` (a new secret, shown as a QR code and as text,
 * confirmed with a code) and `GET/POST /2fa` (a code at each sign-in). Both only for a session
 * whose password was right; a code is accepted once (its time step is remembered), and wrong
 * codes count toward the same lockout as wrong passwords.
 */
export function twoFactorRoutes(deps: BackofficeDeps): Router {
  const router = Router();
  const staff = () => deps.store.collection(StaffModel);
  const optional = deps.config.STAFF_2FA === 'optional';
  const limiter = failureLimiter(deps, 'auth/two-factor.njk');

  /** The account whose password this session passed, or null (then: sign in first). */
  const passwordPassed = async (req: Request): Promise<Staff | null> => {
    const id = req.session.staffId;
    return id ? staff().findOne({ _id: id, active: true }) : null;
  };
  const nextOf = (req: Request) => safeNext(typeof req.query.next === 'string' ? req.query.next : typeof req.body?.next === 'string' ? req.body.next : undefined);

  const renderEnrol = async (req: Request, res: Response, account: Staff, secret: string, extra: Record<string, unknown> = {}, status = 200) => {
    const uri = (await otp()).generateURI({ issuer: ISSUER, label: account.email, secret });
    const { default: QRCode } = await import('qrcode');
    const qr = await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
    render(req, res, 'auth/enrol.njk', { qr, secret: grouped(secret), optional, next: nextOf(req), ...extra }, status);
  };

  router.get('/2fa/enrol', async (req, res, next) => {
    try {
      const account = await passwordPassed(req);
      if (!account) return res.redirect(303, '/admin/login');
      if (account.totpEnabled) return res.redirect(303, req.session.twoFactorOk ? '/admin' : '/admin/2fa');
      // Keep the secret of this enrolment across reloads and wrong codes: the app may hold it already.
      let secret = req.session.enrolSecretEnc ? deps.cipher.decrypt(req.session.enrolSecretEnc) : null;
      if (!secret) {
        secret = (await otp()).generateSecret();
        req.session.enrolSecretEnc = deps.cipher.encrypt(secret);
      }
      await renderEnrol(req, res, account, secret);
    } catch (err) {
      next(err);
    }
  });

  router.post('/2fa/enrol', limiter, async (req, res, next) => {
    try {
      const account = await passwordPassed(req);
      if (!account) return res.redirect(303, '/admin/login');
      if (account.totpEnabled) return res.redirect(303, req.session.twoFactorOk ? '/admin' : '/admin/2fa');
      const sealed = req.session.enrolSecretEnc;
      if (!sealed) return res.redirect(303, '/admin/2fa/enrol');
      const secret = deps.cipher.decrypt(sealed);
      const form = CodeForm.safeParse(req.body);
      const step = form.success ? await checkTotp(secret, form.data.code) : null;
      if (step === null) {
        return renderEnrol(req, res, account, secret, { error: ctx(req).t('admin.auth.totp.wrong_code') }, 400);
      }
      const recovery = newRecoveryCodes();
      const enrolled = await staff().findOneAndUpdate(
        { _id: account._id, totpEnabled: false },
        {
          $set: {
            totpSecretEnc: sealed,
            totpEnabled: true,
            totpLastStep: step,
            failedLogins: 0,
            lockedUntil: null,
            recoveryCodeSalt: recovery.salt,
            recoveryCodeHashes: recovery.hashes,
          },
        },
      );
      if (!enrolled) return res.redirect(303, '/admin/2fa');
      req.session.enrolSecretEnc = undefined;
      req.session.twoFactorOk = true;
      deps.logger.info({ staffId: account._id }, 'two-factor enrolled');
      req.session.flash = ctx(req).t('admin.auth.totp.enrolled');
      showCodesOnce(req, res, recovery.codes);
    } catch (err) {
      next(err);
    }
  });

  router.get('/2fa', async (req, res, next) => {
    try {
      const account = await passwordPassed(req);
      if (!account) return res.redirect(303, '/admin/login');
      if (!account.totpEnabled) return res.redirect(303, '/admin/2fa/enrol');
      if (req.session.twoFactorOk) return res.redirect(303, '/admin');
      render(req, res, 'auth/two-factor.njk', { next: nextOf(req) });
    } catch (err) {
      next(err);
    }
  });

  router.post('/2fa', limiter, async (req, res, next) => {
    try {
      const { t } = ctx(req);
      const account = await passwordPassed(req);
      if (!account) return res.redirect(303, '/admin/login');
      if (!account.totpEnabled || !account.totpSecretEnc) return res.redirect(303, '/admin/2fa/enrol');
      if (req.session.twoFactorOk) return res.redirect(303, '/admin');
      if (isLocked(account)) return signOutLocked(req, res);
      const recoveryCode = normalizeRecoveryCode(PromptForm.safeParse(req.body).data?.code ?? '');
      if (recoveryCode) return useRecoveryCode(req, res, account, recoveryCode);
      const form = CodeForm.safeParse(req.body);
      const step = form.success ? await checkTotp(deps.cipher.decrypt(account.totpSecretEnc), form.data.code) : null;
      const reused = step !== null && account.totpLastStep != null && step <= account.totpLastStep;
      // Claim the step atomically, so two requests racing with one code cannot both pass.
      const accepted =
        step !== null && !reused
          ? await staff().findOneAndUpdate(
              { _id: account._id, $or: [{ totpLastStep: null }, { totpLastStep: { $lt: step } }] },
              { $set: { totpLastStep: step, failedLogins: 0, lockedUntil: null } },
            )
          : null;
      if (!accepted) {
        if (await recordFailedAttempt(deps, account, 'totp')) return signOutLocked(req, res);
        const error = t(step !== null ? 'admin.auth.totp.reused_code' : 'admin.auth.totp.wrong_code');
        return render(req, res, 'auth/two-factor.njk', { error, next: nextOf(req) }, 401);
      }
      req.session.twoFactorOk = true;
      deps.logger.info({ staffId: account._id }, 'second factor accepted');
      res.redirect(303, nextOf(req));
    } catch (err) {
      next(err);
    }
  });

  /**
   * A recovery code instead of the authenticator: good once (it is removed as it is accepted,
   * atomically, so two requests cannot both use it); a wrong one counts toward the lockout.
   */
  async function useRecoveryCode(req: Request, res: Response, account: Staff, code: string) {
    const { t } = ctx(req);
    const hash = account.recoveryCodeSalt ? hashRecoveryCode(account.recoveryCodeSalt, code) : null;
    const accepted = hash
      ? await staff().findOneAndUpdate({ _id: account._id, recoveryCodeHashes: hash }, { $pull: { recoveryCodeHashes: hash }, $set: { failedLogins: 0, lockedUntil: null } })
      : null;
    if (!accepted) {
      if (await recordFailedAttempt(deps, account, 'totp')) return signOutLocked(req, res);
      return render(req, res, 'auth/two-factor.njk', { error: t('admin.auth.recovery.wrong_code'), next: nextOf(req) }, 401);
    }
    const left = accepted.recoveryCodeHashes.length;
    await deps.store.collection(AuditEventModel).insertOne({ actorType: 'staff', actorId: account._id, action: 'staff.recovery_code_used', details: { staffId: account._id, left } });
    deps.logger.info({ staffId: account._id, left }, 'recovery code used for the second factor');
    req.session.twoFactorOk = true;
    req.session.flash = t('admin.auth.recovery.used', { count: left });
    res.redirect(303, left <= 3 ? '/admin/2fa/recovery-codes' : nextOf(req));
  }

  // Recovery codes of a signed-in account: new ones shown once, else how many are left and a
  // button for a new set (the old one dies).
  router.get('/2fa/recovery-codes', requireStaff(deps), (req, res) => {
    const me = ctx(req).staff!;
    const sealed = req.session.recoveryCodesEnc;
    req.session.recoveryCodesEnc = undefined;
    const codes = sealed ? (JSON.parse(deps.cipher.decrypt(sealed)) as string[]) : null;
    render(req, res, 'auth/recovery-codes.njk', { codes, next: nextOf(req), left: me.recoveryCodeHashes?.length ?? 0, enabled: me.totpEnabled });
  });
  router.post('/2fa/recovery-codes', requireStaff(deps), async (req, res, next) => {
    try {
      const me = ctx(req).staff!;
      if (!me.totpEnabled) return res.redirect(303, '/admin/2fa/recovery-codes');
      const recovery = newRecoveryCodes();
      await staff().findOneAndUpdate({ _id: me._id }, { $set: { recoveryCodeSalt: recovery.salt, recoveryCodeHashes: recovery.hashes } });
      await deps.store.collection(AuditEventModel).insertOne({ actorType: 'staff', actorId: me._id, action: 'staff.recovery_codes_renewed', details: { staffId: me._id } });
      showCodesOnce(req, res, recovery.codes);
    } catch (err) {
      next(err);
    }
  });

  /** New codes are shown on the next page only (kept sealed in the session until then); only their hashes are stored. */
  function showCodesOnce(req: Request, res: Response, codes: string[]) {
    req.session.recoveryCodesEnc = deps.cipher.encrypt(JSON.stringify(codes));
    res.redirect(303, `/admin/2fa/recovery-codes?next=${encodeURIComponent(nextOf(req))}`);
  }

  return router;
}

/** A locked account's half-signed-in session is worth nothing: back to the sign-in page. */
function signOutLocked(req: Request, res: Response) {
  req.session.staffId = undefined;
  req.session.twoFactorOk = false;
  render(req, res, 'auth/login.njk', { error: ctx(req).t('admin.auth.locked') }, 423);
}
