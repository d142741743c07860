import type { Logger } from '../app/logger.js';
import { CaseModel, PRIORITIES } from '../models/index.js';
import type { Store } from '../store/index.js';
import { answerDueOf, OPEN_STATUSES } from './case-workflow.js';
import { onceFor } from './startup-steps.js';

const BATCH = 500;

/**
 * Open cases stored before `answerDueAt` existed get it, so that the inbox orders them by the
 * time left like the others. Run at start, once (every write since keeps the field): one index
 * range per status and priority; safe to run twice.
 */
export async function fillAnswerDue(store: Store, logger?: Logger): Promise<number> {
  const filled = (await onceFor(store, 'answer-due', '1', () => fillAll(store))) ?? 0;
  if (filled) logger?.info({ cases: filled }, 'inbox: open cases from before answerDueAt given it');
  // Resolved and closed cases wait for nothing; before the fix closing kept their deadline.
  const cleared = (await onceFor(store, 'answer-due-closed', '1', () => clearEnded(store))) ?? 0;
  if (cleared) logger?.info({ cases: cleared }, 'inbox: resolved and closed cases no longer sorted as due');
  return filled;
}

/** Resolved and closed cases still carrying a deadline or a reminder lose them. */
async function clearEnded(store: Store): Promise<number> {
  const ended = { status: { $nin: [...OPEN_STATUSES] } };
  const cases = store.collection(CaseModel);
  const due = await cases.updateMany({ ...ended, answerDueAt: { $ne: null } }, { $set: { answerDueAt: null } });
  await cases.updateMany({ ...ended, nextReminderAt: { $ne: null } }, { $set: { nextReminderAt: null } });
  return due;
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
