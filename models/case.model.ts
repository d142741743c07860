import { defineModel, sub } from './define.js';
import { ladderStateSchema, type LadderState } from './ladder.js';
import {
  ABOUT,
  ADVICE_AREAS,
  AGE_BANDS,
  CASE_KINDS,
  CASE_STATUSES,
  CHANNELS,
  CONTACT_WISHES,
  GENDERS,
  HARM_TYPES,
  PRIORITIES,
  RISK_SEVERITIES,
  REPORTER_ROLES,
  TOPICS,
  type CaseKind,
  type CaseStatus,
  type Channel,
  type Priority,
  type RiskSeverity,
} from './domain.js';

export interface CaseArea {
  province?: string | null;
  commune?: string | null;
}

/** A case: one opinion, report or request for advice, handled by counsellors. */
export interface Case {
  _id: string;
  /** The reference code the child keeps, e.g. `HTX-7K3Q9-XPM4R`. */
  code: string;
  kind: CaseKind;
  status: CaseStatus;
  priority: Priority;
  /** Why the case is urgent: risk categories detected or the "in danger now" answer. */
  urgentReasons: string[];
  /** The most serious risk seen in the case (risk detection, the child's answers), or null. */
  severity?: RiskSeverity | null;
  /** The detection rules that fired ("sexual_abuse.adult_touch"): shown to staff, never the words. */
  riskRules?: string[];
  channel: Channel;
  contactId: string;
  about?: string | null;
  reporterRole?: string | null;
  ageBand?: string | null;
  gender?: string | null;
  area: CaseArea;
  topic?: string | null;
  harmType?: string | null;
  adviceArea?: string | null;
  dangerNow?: boolean | null;
  contactWish?: string | null;
  /** Contact details the person chose to leave (phone, e-mail), sealed. */
  contactDetailsEnc?: string | null;
  assigneeId?: string | null;
  firstResponseDueAt?: Date | null;
  firstResponseAt?: Date | null;
  lastChildMessageAt?: Date | null;
  /**
   * Set when the child writes again after staff answered (reply mode): the first such message
   * not yet answered. The case waits for staff again, by `replyDueAt` (cleared by the next reply).
   */
  childWaitingSince?: Date | null;
  replyDueAt?: Date | null;
  /**
   * When the answer the case waits for is due: `firstResponseDueAt` until the first answer,
   * then `replyDueAt` while the child's later words wait (reply mode); null while it waits for
   * none. The inbox orders by it, so both kinds of waiting sort by the time left.
   */
  answerDueAt?: Date | null;
  closedAt?: Date | null;
  /** When the escalation ladder looks at this case next (scheduler/ladder); null: nothing to do. */
  nextReminderAt?: Date | null;
  /** The rungs fired for the current deadline. */
  ladder?: LadderState;
  /** Bumped at each ladder step: the step is claimed atomically on it, so a rung fires once. */
  ladderSeq?: number;
  /** When retention erased the case's words and files (its counted fields stay). */
  erasedAt?: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const CaseModel = defineModel<Case>(
  'cases',
  {
    code: { type: String, required: true, match: /^HTX-[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/ },
    kind: { type: String, enum: CASE_KINDS, required: true },
    status: { type: String, enum: CASE_STATUSES, default: 'new' },
    priority: { type: String, enum: PRIORITIES, default: 'normal' },
    urgentReasons: { type: [String], default: [] },
    severity: { type: String, enum: [...RISK_SEVERITIES, null], default: null },
    riskRules: { type: [String], default: [] },
    channel: { type: String, enum: CHANNELS, required: true },
    contactId: { type: String, required: true },
    about: { type: String, enum: [...ABOUT, null], default: null },
    reporterRole: { type: String, enum: [...REPORTER_ROLES, null], default: null },
    ageBand: { type: String, enum: [...AGE_BANDS, null], default: null },
    gender: { type: String, enum: [...GENDERS, null], default: null },
    area: { type: sub({ province: { type: String, default: null }, commune: { type: String, default: null } }), default: () => ({}) },
    topic: { type: String, enum: [...TOPICS, null], default: null },
    harmType: { type: String, enum: [...HARM_TYPES, null], default: null },
    adviceArea: { type: String, enum: [...ADVICE_AREAS, null], default: null },
    dangerNow: { type: Boolean, default: null },
    contactWish: { type: String, enum: [...CONTACT_WISHES, null], default: null },
    contactDetailsEnc: { type: String, default: null },
    assigneeId: { type: String, default: null },
    firstResponseDueAt: { type: Date, default: null },
    firstResponseAt: { type: Date, default: null },
    lastChildMessageAt: { type: Date, default: null },
    childWaitingSince: { type: Date, default: null },
    replyDueAt: { type: Date, default: null },
    answerDueAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    nextReminderAt: { type: Date, default: null },
    ladder: { type: ladderStateSchema(), default: () => ({}) },
    ladderSeq: { type: Number, default: 0 },
    erasedAt: { type: Date, default: null },
  },
  (s) => {
    s.index({ code: 1 }, { unique: true });
    // The inbox's default order (cases/case-query.ts): one priority at a time, those waiting for an
    // answer first (a first one, or one to the child's later words), the least time left first —
    // over all cases, or within a status.
    s.index({ priority: 1, answerDueAt: 1, firstResponseAt: 1, createdAt: 1, _id: 1 });
    s.index({ status: 1, priority: 1, answerDueAt: 1, firstResponseAt: 1, createdAt: 1, _id: 1 });
    s.index({ contactId: 1, createdAt: -1 });
    s.index({ assigneeId: 1, status: 1 });
    s.index({ nextReminderAt: 1 });
    // The ladder's backfill at each start (scheduler/ladder.ts): cases from before the ladder
    // have no ladderSeq; without this it reads every open case to find none (0.3 s at 100k).
    s.index({ ladderSeq: 1 });
    // The inbox: newest first (all cases, or within a status), and a coordinator's provinces.
    s.index({ createdAt: -1 });
    // The live inbox's version: the last change to any case (asked by every open back office).
    s.index({ updatedAt: -1 });
    s.index({ status: 1, createdAt: -1 });
    s.index({ 'area.province': 1, createdAt: -1 });
    // A coordinator's counts per status (their provinces, and cases with none yet).
    s.index({ 'area.province': 1, status: 1 });
    // Reports: one kind of case over a period.
    s.index({ kind: 1, createdAt: 1 });
    // Retention: closed cases by when they were closed.
    s.index({ status: 1, closedAt: 1 });
  },
  // The inbox's counts per status, within each role's scope (all; a coordinator's provinces;
  // a counsellor's own cases): kept by the embedded engine as cases change.
  { tally: ['status', 'area.province', 'assigneeId'] },
);
