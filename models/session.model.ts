import { Schema } from 'mongoose';
import { defineModel } from './define.js';

/** A back-office sign-in session (express-session data), kept in the active engine. */
export interface StaffSession {
  _id: string;
  data: Record<string, unknown>;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export const StaffSessionModel = defineModel<StaffSession>(
  'staff_sessions',
  {
    data: { type: Schema.Types.Mixed, required: true },
    expiresAt: { type: Date, required: true },
  },
  (s) => {
    // MongoDB removes expired sessions by itself; the embedded engine's sweep does the same.
    s.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  },
);
