import type { Logger } from '../app/logger.js';
import { CaseModel, PRIORITIES, type Case } from '../models/index.js';
import type { Store } from '../store/index.js';
import { OPEN_STATUSES } from './case-workflow.js';
import { onceFor } from './startup-steps.js';

const BATCH = 500;

/** When the answer a case waits for is due (see `Case.answerDueAt`), or null when it waits for none. */
export function answerDueOf(c: Pick<Case, 'firstResponseAt' | 'firstResponseDueAt' | 'childWaitingSince' | 'replyDueAt'>): Date | null {
  if (!c.firstResponseAt) return c.firstResponseDueAt ?? null;
  return c.childWaitingSince ? (c.replyDueAt ?? null) : null;
}

/**
 * Open cases stored before `answerDueAt` existed get it, so that the inbox orders them by the
 * time left like the others. Run at start, once (every write since keeps the field): one index
 * range per status and priority; safe to run twice.
 */
export async function fillAnswerDue(store: Store, logger?: Logger): Promise<number> {
  const filled = (await onceFor(store, 'answer-due', '1', () => fillAll(store))) ?? 0;
  if (filled) logger?.info({ cases: filled }, 'inbox: open cases from before answerDueAt given it');
  return filled;
}

async function fillAll(store: Store): Promise<number> {
  const cases = store.collection(CaseModel);
  const waiting = [
    { firstResponseAt: null, firstResponseDueAt: { $ne: null } },
    { firstResponseAt: { $ne: null }, childWaitingSince: { $ne: null }, replyDueAt: { $ne: null } },
  ];
  let filled = 0;
  for (const status of OPEN_STATUSES) {
    for (const priority of PRIORITIES) {
      for (let more = true; more; ) {
        const found = await cases.find({ status, priority, answerDueAt: null, $or: waiting }, { limit: BATCH, fields: ['firstResponseAt', 'firstResponseDueAt', 'childWaitingSince', 'replyDueAt'] });
        const ops = found.map((c) => ({ filter: { _id: c._id, answerDueAt: null }, update: { $set: { answerDueAt: answerDueOf(c) } } }));
        if (ops.length) filled += await cases.updateEach(ops);
        more = found.length === BATCH;
      }
    }
  }
  return filled;
}
