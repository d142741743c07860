import { defineModel } from './define.js';
import { ladderStateSchema, type LadderState } from './ladder.js';

/** Where a case can be referred: the bodies Decree 56/2017 Art. 25-26 names, or an agency for a child's opinion. */
export const REFERRAL_TARGETS = ['police', 'social_work', 'school', 'health', 'agency'] as const;
export type ReferralTarget = (typeof REFERRAL_TARGETS)[number];

/**
 * A referral of a case: to the police, social work, a school, health services, or (for an
 * opinion) an agency that must answer by `dueAt`. The agency's answer is recorded here and,
 * when staff choose, sent back to the child (Law on Children Art. 34 and 77).
 */
export interface Referral {
  _id: string;
  caseId: string;
  to: ReferralTarget;
  /** The body's name, e.g. "UBND xã Tân Lập"; required for an agency. */
  agencyName?: string | null;
  sentAt: Date;
  /** When the agency's answer is due (forwarded opinions: 30 days by default, configurable). */
  dueAt?: Date | null;
  /** The agency's answer, as staff recorded it. */
  answer?: string | null;
  answeredAt?: Date | null;
  /** When the answer was put in the child's reach (sent through the bot, readable by case code). */
  answerSentToChildAt?: Date | null;
  /** The staff member who made the referral. */
  staffId: string;
  /** Internal: how it was sent, the officer's name, a document number. */
  note?: string | null;
  /** The escalation ladder of an agency answer that is due (scheduler/ladder), as on a case. */
  nextReminderAt?: Date | null;
  ladder?: LadderState;
  ladderSeq?: number;
  createdAt: Date;
  updatedAt: Date;
}

export const ReferralModel = defineModel<Referral>(
  'referrals',
  {
    caseId: { type: String, required: true },
    to: { type: String, enum: REFERRAL_TARGETS, required: true },
    agencyName: { type: String, trim: true, maxlength: 200, default: null },
    sentAt: { type: Date, required: true },
    dueAt: { type: Date, default: null },
    answer: { type: String, maxlength: 10_000, default: null },
    answeredAt: { type: Date, default: null },
    answerSentToChildAt: { type: Date, default: null },
    staffId: { type: String, required: true },
    note: { type: String, maxlength: 2_000, default: null },
    nextReminderAt: { type: Date, default: null },
    ladder: { type: ladderStateSchema(), default: () => ({}) },
    ladderSeq: { type: Number, default: 0 },
  },
  (s) => {
    s.index({ caseId: 1, sentAt: 1 });
    // The forwarded opinions still waiting for an answer, by due date (reminders, reports).
    s.index({ answeredAt: 1, dueAt: 1 });
    s.index({ nextReminderAt: 1 });
  },
);
