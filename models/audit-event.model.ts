import { Schema } from 'mongoose';
import { defineModel } from './define.js';

/** Who did what to a case, and when: every staff view and change, and the system's own acts. */
export interface AuditEvent {
  _id: string;
  actorType: 'staff' | 'system' | 'child';
  actorId?: string | null;
  action: string;
  caseId?: string | null;
  /** What changed (field names and values; never the child's message text). */
  details: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export const AuditEventModel = defineModel<AuditEvent>(
  'audit_events',
  {
    actorType: { type: String, enum: ['staff', 'system', 'child'], required: true },
    actorId: { type: String, default: null },
    action: { type: String, required: true },
    caseId: { type: String, default: null },
    details: { type: Schema.Types.Mixed, default: () => ({}) },
  },
  (s) => {
    s.index({ caseId: 1, createdAt: -1 });
    s.index({ createdAt: -1 });
  },
);
