import crypto from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../app/errors.js';
import defaultAreas from '../../cases/areas.default.json' with { type: 'json' };
import { AuditEventModel, EXPERTISE, STAFF_ROLES, StaffModel, type Staff } from '../../models/index.js';
import { isDuplicateKey } from '../../store/index.js';
import type { BackofficeDeps } from '../context.js';

/** How long an invitation (or a new set-password link) stays good. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60_000;

/** The provinces staff can be scoped to: the shipped list of the 34 provincial units. */
export const areaNames = (): string[] => defaultAreas.provinces.map((p) => p.name);

/** A form's checkbox group: absent → [], one ticked → "x", several → ["x", "y"]. */
const ticked = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item).max(100));

/**
 * The editable fields of an account. `areas` must come from `allowedAreas` (the area list,
 * plus whatever the account already had, so a changed list never silently drops a scope).
 */
export function staffFieldsSchema(allowedAreas: string[]) {
  const known = new Set(allowedAreas);
  return z.object({
    name: z.string().trim().min(1).max(120),
    role: z.enum(STAFF_ROLES),
    areas: ticked(z.string().refine((a) => known.has(a))).transform((a) => [...new Set(a)]),
    expertise: ticked(z.enum(EXPERTISE)).transform((e) => [...new Set(e)]),
  });
}

export function inviteSchema(allowedAreas: string[]) {
  return staffFieldsSchema(allowedAreas).extend({
    email: z.string().trim().toLowerCase().max(254).pipe(z.email()),
  });
}

export type StaffFields = z.infer<ReturnType<typeof staffFieldsSchema>>;
export type InviteInput = z.infer<ReturnType<typeof inviteSchema>>;

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');
const newInvitation = () => {
  const token = crypto.randomBytes(32).toString('base64url');
  return { token, set: { inviteTokenHash: hashToken(token), inviteExpiresAt: new Date(Date.now() + INVITATION_TTL_MS) } };
};

/**
 * Staff accounts as admins manage them: invite, edit, deactivate, reset the second factor, and
 * the invitation link an invited person uses to set a password. Only the SHA-256 of a link's
 * token is stored; the token itself is returned once, to be shown to the admin.
 */
export class StaffService {
  constructor(private readonly deps: Pick<BackofficeDeps, 'store' | 'sessions' | 'logger'>) {}

  private get staff() {
    return this.deps.store.collection(StaffModel);
  }

  list(): Promise<Staff[]> {
    return this.staff.find({}, { sort: { active: -1, name: 1 } });
  }

  async get(id: string): Promise<Staff> {
    const found = await this.staff.findOne({ _id: id });
    if (!found) throw new AppError('not_found', 404);
    return found;
  }

  /** Creates an account without a password and returns the invitation token (once). */
  async invite(actor: Staff, input: InviteInput): Promise<{ staff: Staff; token: string }> {
    if (await this.staff.findOne({ email: input.email })) throw new AppError('email_taken', 409);
    const { token, set } = newInvitation();
    try {
      const staff = await this.staff.insertOne({ ...input, passwordHash: null, active: true, ...set });
      await this.audit(actor, 'staff.invited', { staffId: staff._id, role: staff.role });
      return { staff, token };
    } catch (err) {
      if (isDuplicateKey(err)) throw new AppError('email_taken', 409, { cause: err });
      throw err;
    }
  }

  async update(actor: Staff, id: string, fields: StaffFields): Promise<Staff> {
    if (id === actor._id && fields.role !== 'admin') throw new AppError('cannot_demote_self', 400);
    const updated = await this.staff.findOneAndUpdate({ _id: id }, { $set: fields });
    if (!updated) throw new AppError('not_found', 404);
    await this.audit(actor, 'staff.updated', { staffId: id, role: fields.role, areas: fields.areas, expertise: fields.expertise });
    return updated;
  }

  /** Deactivation also ends every session of the account at once. */
  async setActive(actor: Staff, id: string, active: boolean): Promise<Staff> {
    if (id === actor._id && !active) throw new AppError('cannot_deactivate_self', 400);
    const updated = await this.staff.findOneAndUpdate({ _id: id }, { $set: { active } });
    if (!updated) throw new AppError('not_found', 404);
    if (!active) await this.deps.sessions.destroyAllFor(id);
    await this.audit(actor, active ? 'staff.reactivated' : 'staff.deactivated', { staffId: id });
    return updated;
  }

  /** The account enrols a new authenticator at its next sign-in; its sessions end now. */
  async resetTwoFactor(actor: Staff, id: string): Promise<Staff> {
    if (id === actor._id) throw new AppError('cannot_reset_own_2fa', 400);
    const updated = await this.staff.findOneAndUpdate({ _id: id }, { $set: { totpEnabled: false, totpSecretEnc: null, totpLastStep: null, recoveryCodeSalt: null, recoveryCodeHashes: [] } });
    if (!updated) throw new AppError('not_found', 404);
    await this.deps.sessions.destroyAllFor(id);
    await this.audit(actor, 'staff.2fa_reset', { staffId: id });
    return updated;
  }

  /** A new set-password link (an expired invitation, or a forgotten password); the old link dies. */
  async reissueInvitation(actor: Staff, id: string): Promise<{ staff: Staff; token: string }> {
    const { token, set } = newInvitation();
    const staff = await this.staff.findOneAndUpdate({ _id: id, active: true }, { $set: set });
    if (!staff) throw new AppError('not_found', 404);
    await this.audit(actor, 'staff.invitation_issued', { staffId: id });
    return { staff, token };
  }

  /** The active account an unexpired link belongs to, or null. */
  findByInvitation(token: string): Promise<Staff | null> {
    return this.staff.findOne({ inviteTokenHash: hashToken(token), inviteExpiresAt: { $gt: new Date() }, active: true });
  }

  /** Sets the password and spends the link; any session the account had ends. Null when the link is not good. */
  async acceptInvitation(token: string, passwordHash: string): Promise<Staff | null> {
    const staff = await this.staff.findOneAndUpdate(
      { inviteTokenHash: hashToken(token), inviteExpiresAt: { $gt: new Date() }, active: true },
      { $set: { passwordHash, inviteTokenHash: null, inviteExpiresAt: null, mustChangePassword: false, failedLogins: 0, lockedUntil: null } },
    );
    if (!staff) return null;
    await this.deps.sessions.destroyAllFor(staff._id);
    await this.deps.store.collection(AuditEventModel).insertOne({ actorType: 'staff', actorId: staff._id, action: 'staff.password_set', details: { staffId: staff._id } });
    return staff;
  }

  private async audit(actor: Staff, action: string, details: Record<string, unknown>) {
    await this.deps.store.collection(AuditEventModel).insertOne({ actorType: 'staff', actorId: actor._id, action, details });
    this.deps.logger.info({ actorId: actor._id, action, staffId: details.staffId }, 'staff account changed');
  }
}
