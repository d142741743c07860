import type { SlaLadder } from './report-figures.js';

/**
 * The escalation ladder's rungs past a first-response deadline (PRODUCT.md, reminders): at the
 * deadline the area's coordinators are alerted; once the case is late by as long again as it was
 * given, the admins. A case answered (or still unanswered) after a rung counts as a breach of it.
 */
export const defaultLadder: SlaLadder = {
  rungs: ['coordinators', 'admins'],
  rungsPassed(c, at) {
    const due = c.firstResponseDueAt;
    if (!due || at <= due) return 0;
    const allowed = Math.max(0, due.getTime() - c.createdAt.getTime());
    return at.getTime() - due.getTime() >= allowed ? 2 : 1;
  },
};
