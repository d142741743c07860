import type { Logger } from '../app/logger.js';
import { DAY_MS, MINUTE_MS } from '../app/time.js';
import { OPEN_STATUSES } from '../cases/case-workflow.js';
import { CaseModel, ReferralModel, type Case, type EscalationSettings, type Referral } from '../models/index.js';
import type { CaseAlerts } from '../notifications/case-alerts.js';
import type { Store, UpdateOne } from '../store/index.js';
import { caseTiming, planLadder, type LadderStep, type LadderSubject, type LadderTiming } from './ladder-plan.js';

/** Cases (or referrals) looked at per query; a sweep goes on until none is due. */
const BATCH = 500;

export interface LadderDeps {
  store: Store;
  alerts: CaseAlerts;
  logger: Logger;
  settings: () => { escalation: EscalationSettings };
  clock?: () => Date;
}

/** An agency has weeks to answer: its reminders repeat daily at most, the admins a day after at the soonest. */
export const agencyTiming = (e: EscalationSettings): LadderTiming => ({
  remindAtPercent: e.remindAtPercent,
  repeatMs: Math.max(DAY_MS, e.repeatMinutes * MINUTE_MS),
  adminAfterMs: Math.max(DAY_MS, e.adminAfterMinutes * MINUTE_MS),
});

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const isOpen = (c: Pick<Case, 'status'>) => OPEN_STATUSES.includes(c.status);

/** What the sweep reads of a due case to plan it; a case whose rung fires is read whole when claimed. */
const CASE_FIELDS = ['status', 'firstResponseAt', 'createdAt', 'firstResponseDueAt', 'childWaitingSince', 'replyDueAt', 'ladder', 'ladderSeq', 'nextReminderAt'] as const;

/**
 * What a case waits for: its first answer by `firstResponseDueAt`, or — once answered, when
 * the child wrote again (reply mode) — the answer to that message by `replyDueAt`.
 */
export function caseLadderSubject(c: Case, state = c.ladder ?? undefined): LadderSubject {
  if (c.firstResponseAt && c.childWaitingSince) return { open: isOpen(c), startAt: c.childWaitingSince, dueAt: c.replyDueAt ?? null, state };
  return { open: isOpen(c) && !c.firstResponseAt, startAt: c.createdAt, dueAt: c.firstResponseDueAt ?? null, state };
}

/** A step saved only if nobody stepped the subject since it was read (`ladderSeq`), so a rung fires once. */
const claimOf = (doc: { _id: string; ladderSeq?: number | null }, plan: LadderStep): UpdateOne => ({
  // Never stepped: ladderSeq 0, or absent from a document stored before the ladder.
  filter: { _id: doc._id, ladderSeq: doc.ladderSeq ? doc.ladderSeq : { $in: [0, null] } },
  update: { $set: { ladder: plan.state, nextReminderAt: plan.nextAt }, $inc: { ladderSeq: 1 } },
});

/**
 * The escalation ladder's sweep, run by one recurring agenda job: every case and forwarded
 * opinion whose `nextReminderAt` has come (an indexed field) is planned again from what it is
 * now — answered, closed, reassigned or with a new deadline, a reminder that became moot does
 * not fire — and the step is claimed atomically in the store (`ladderSeq`), so with several
 * scheduler instances on one store each alert goes out once.
 */
export class EscalationLadder {
  private readonly clock: () => Date;

  constructor(private readonly deps: LadderDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /**
   * Cases and forwarded opinions written before the ladder existed (no `ladderSeq`) and still
   * waiting for an answer get on it: their `nextReminderAt` is set to now, so the next sweep
   * plans them like any other. Run at start; one indexed update per collection (open cases by
   * status, unanswered referrals by `answeredAt`); a second run finds nothing, since the first
   * gave each a `ladderSeq`.
   */
  async backfill(now: Date = this.clock()): Promise<{ cases: number; referrals: number }> {
    const set = { $set: { nextReminderAt: now, ladderSeq: 0 } };
    const cases = await this.deps.store.collection(CaseModel).updateMany({ status: { $in: [...OPEN_STATUSES] }, firstResponseAt: null, ladderSeq: null }, set);
    const referrals = await this.deps.store.collection(ReferralModel).updateMany({ answeredAt: null, to: 'agency', dueAt: { $ne: null }, ladderSeq: null }, set);
    if (cases || referrals) this.deps.logger.info({ cases, referrals }, 'ladder: cases and forwarded opinions from before the ladder put on it');
    return { cases, referrals };
  }

  /** Steps everything due at `now`; returns how many subjects were looked at and how many alerts fired. */
  async sweep(now: Date = this.clock()): Promise<{ looked: number; fired: number }> {
    const { escalation } = this.deps.settings();
    const total = { looked: 0, fired: 0 };
    for (let more = true; more; ) {
      const due = await this.deps.store.collection(CaseModel).find({ nextReminderAt: { $lte: now } }, { sort: { nextReminderAt: 1 }, limit: BATCH, fields: CASE_FIELDS });
      const { stepped, fired } = await this.stepCases(due, now, caseTiming(escalation));
      total.looked += due.length;
      total.fired += fired;
      // A batch of which nothing could be stepped (others stepped it all meanwhile) is not read again.
      more = due.length === BATCH && stepped > 0;
      // The embedded engine answers without waiting: let requests in between batches.
      if (more) await yieldToEventLoop();
    }
    for (let more = true; more; ) {
      const due = await this.deps.store.collection(ReferralModel).find({ nextReminderAt: { $lte: now } }, { sort: { nextReminderAt: 1 }, limit: BATCH });
      for (const r of due) if (await this.stepReferral(r, now, agencyTiming(escalation))) total.fired++;
      total.looked += due.length;
      more = due.length === BATCH;
    }
    return total;
  }

  /**
   * Plans a batch of cases. Most steps only move the next look (a case just opened, a rung not
   * yet reached): they are saved together in one bulk update. A step that fires a rung is
   * claimed alone, and alerted once claimed.
   */
  private async stepCases(due: Case[], now: Date, timing: LadderTiming): Promise<{ stepped: number; fired: number }> {
    const steps = due.map((c) => ({ c, plan: planLadder(caseLadderSubject(c), timing, now) }));
    let stepped = await this.deps.store.collection(CaseModel).updateEach(steps.filter((s) => !s.plan.fire).map((s) => claimOf(s.c, s.plan)));
    let fired = 0;
    for (const { c, plan } of steps.filter((s) => s.plan.fire)) {
      const { filter, update } = claimOf(c, plan);
      const claimed = await this.deps.store.collection(CaseModel).findOneAndUpdate(filter, update);
      if (!claimed) continue;
      stepped++;
      await this.safely(() => this.deps.alerts.caseRung(claimed, plan.fire!.rung, plan.fire!.repeat, plan.state.count), claimed.code);
      fired++;
    }
    return { stepped, fired };
  }

  private async stepReferral(r: Referral, now: Date, timing: LadderTiming): Promise<boolean> {
    const c = await this.deps.store.collection(CaseModel).findOne({ _id: r.caseId });
    const open = !!c && isOpen(c) && !r.answeredAt && r.to === 'agency';
    const plan = planLadder({ open, startAt: r.sentAt, dueAt: r.dueAt ?? null, state: r.ladder }, timing, now);
    const claimed = await this.claim(r, plan);
    if (!claimed || !plan.fire || !c) return false;
    await this.safely(() => this.deps.alerts.agencyRung(claimed, c, plan.fire!.rung, plan.fire!.repeat, plan.state.count), c.code);
    return true;
  }

  /** Saves the step only if nobody stepped this subject since it was read; null when someone did. */
  private claim(r: Referral, plan: LadderStep): Promise<Referral | null> {
    const { filter, update } = claimOf(r, plan);
    return this.deps.store.collection(ReferralModel).findOneAndUpdate(filter, update);
  }

  /** An alert that fails (the store hiccups) is logged; the ladder goes on with the others. */
  private async safely(send: () => Promise<unknown>, caseCode: string) {
    try {
      await send();
    } catch (err) {
      this.deps.logger.error({ err, caseCode }, 'ladder: alert failed');
    }
  }
}
