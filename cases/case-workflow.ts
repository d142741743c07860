import { AppError } from '../app/errors.js';
import { CaseModel, type Case, type CaseStatus } from '../models/index.js';
import type { Store } from '../store/index.js';
import type { CaseService } from './cases.service.js';

/**
 * The status workflow of PRODUCT.md, `new → triaged → in_progress → waiting → referred →
 * resolved → closed`, as the one table of allowed moves. `waiting` (for the child) and
 * `referred` (to another body) are optional steps; work goes back to `in_progress` from them,
 * and a resolved or closed case is reopened to `in_progress`. A case is not closed without
 * having been worked on: every case is answered (Law on Children Art. 34).
 */
export const STATUS_TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  new: ['triaged'],
  triaged: ['in_progress'],
  in_progress: ['waiting', 'referred', 'resolved'],
  waiting: ['in_progress', 'referred', 'resolved'],
  referred: ['in_progress', 'resolved'],
  resolved: ['closed', 'in_progress'],
  closed: ['in_progress'],
};

/** Statuses in which counsellors are still working on a case. */
export const OPEN_STATUSES: readonly CaseStatus[] = ['new', 'triaged', 'in_progress', 'waiting', 'referred'];

export const canTransition = (from: CaseStatus, to: CaseStatus) => STATUS_TRANSITIONS[from].includes(to);

export function assertTransition(from: CaseStatus, to: CaseStatus) {
  if (!canTransition(from, to)) throw new AppError('invalid_transition', 409, { details: { from, to } });
}

/** Where a status goes when work starts on the case (a reply, an assignment); null when it stays. */
export function statusOnWork(from: CaseStatus, kind: 'reply' | 'assign' | 'triage' | 'refer'): CaseStatus | null {
  switch (kind) {
    case 'triage':
    case 'assign':
      return from === 'new' ? 'triaged' : null;
    case 'reply':
      return from === 'new' || from === 'triaged' ? 'in_progress' : null;
    case 'refer':
      return OPEN_STATUSES.includes(from) && from !== 'referred' ? 'referred' : null;
  }
}

/** When the answer a case waits for is due (see `Case.answerDueAt`), or null when it waits for none. */
export function answerDueOf(c: Pick<Case, 'firstResponseAt' | 'firstResponseDueAt' | 'childWaitingSince' | 'replyDueAt'>): Date | null {
  if (!c.firstResponseAt) return c.firstResponseDueAt ?? null;
  return c.childWaitingSince ? (c.replyDueAt ?? null) : null;
}

/**
 * What waiting for an answer becomes when a case moves: a case resolved or closed (answered or
 * not) waits for none — it no longer sorts as due in the inbox, and the escalation ladder leaves
 * it; reopened, it waits again for what it waited for (`answerDueOf`) and the ladder looks at once.
 */
export function waitingOnMove(c: Case, to: CaseStatus, now = new Date()): Partial<Case> {
  const wasOpen = OPEN_STATUSES.includes(c.status);
  if (wasOpen && !OPEN_STATUSES.includes(to)) return { answerDueAt: null, nextReminderAt: null };
  if (!wasOpen && OPEN_STATUSES.includes(to)) return { answerDueAt: answerDueOf(c), nextReminderAt: now };
  return {};
}

/**
 * Moves a case from the status it was read in to `to`, unless someone moved it meanwhile
 * (then null). Stamps `closedAt` on closing and clears it on reopening; a case that ends waits
 * for no answer (`waitingOnMove`); audits the move.
 */
export async function moveStatus(
  deps: { store: Store; cases: CaseService },
  actorId: string,
  c: Case,
  to: CaseStatus,
  reason: string,
): Promise<Case | null> {
  const moved = await deps.store
    .collection(CaseModel)
    .findOneAndUpdate({ _id: c._id, status: c.status }, { $set: { status: to, closedAt: to === 'closed' ? new Date() : null, ...waitingOnMove(c, to) } });
  if (moved) await deps.cases.record('staff', actorId, 'case.status_changed', c._id, { from: c.status, to, reason });
  return moved;
}
