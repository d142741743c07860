import { defineModel } from './define.js';

export const STAFF_ROLES = ['admin', 'coordinator', 'counsellor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
/** The club members' fields of expertise (seed 001: cases go to the members expert in the field). */
export const EXPERTISE = ['psychology', 'law', 'health', 'education', 'social_work'] as const;
export type Expertise = (typeof EXPERTISE)[number];

/** A back-office account: a counsellor, coordinator or admin. */
export interface Staff {
  _id: string;
  email: string;
  name: string;
  role: StaffRole;
  /** Province names (from the area list) this person works in; coordinators see these cases. */
  areas: string[];
  expertise: Expertise[];
  /** argon2id hash; null until an invited person sets a password. */
  passwordHash: string | null;
  active: boolean;
  failedLogins: number;
  lockedUntil?: Date | null;
  /** TOTP secret, sealed with the data key; null until enrolled. */
  totpSecretEnc?: string | null;
  totpEnabled: boolean;
  /** The TOTP time step (30 s periods since the epoch) of the last code accepted; a code is good once. */
  totpLastStep?: number | null;
  /** Salt of the account's recovery codes; null when it has none. */
  recoveryCodeSalt?: string | null;
  /** SHA-256 of each unused one-time recovery code (a used code is removed). */
  recoveryCodeHashes: string[];
  mustChangePassword: boolean;
  /** SHA-256 of the one-time invitation token. */
  inviteTokenHash?: string | null;
  inviteExpiresAt?: Date | null;
  lastLoginAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const StaffModel = defineModel<Staff>(
  'staff',
  {
    email: { type: String, required: true, lowercase: true, trim: true, maxlength: 254, match: /^[^\s@]+@[^\s@]+\.[^\s@]+$/ },
    name: { type: String, required: true, trim: true, maxlength: 120 },
    role: { type: String, enum: STAFF_ROLES, required: true },
    areas: { type: [String], default: [] },
    expertise: { type: [String], enum: EXPERTISE, default: [] },
    passwordHash: { type: String, default: null },
    active: { type: Boolean, default: true },
    failedLogins: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    totpSecretEnc: { type: String, default: null },
    totpEnabled: { type: Boolean, default: false },
    totpLastStep: { type: Number, default: null },
    recoveryCodeSalt: { type: String, default: null },
    recoveryCodeHashes: { type: [String], default: [] },
    mustChangePassword: { type: Boolean, default: false },
    inviteTokenHash: { type: String, default: null },
    inviteExpiresAt: { type: Date, default: null },
    lastLoginAt: { type: Date, default: null },
  },
  (s) => {
    s.index({ email: 1 }, { unique: true });
  },
);
