import { sub } from './define.js';

/**
 * Where a case (or a forwarded opinion awaiting the agency) stands on the escalation ladder:
 * the deadline the rungs were fired for (a changed deadline starts the ladder again), the
 * highest rung fired (0 none, 1 reminder, 2 coordinators, 3 admins), when it last fired and
 * how many alerts went out in all.
 */
export interface LadderState {
  dueAt: Date | null;
  rung: number;
  firedAt: Date | null;
  count: number;
}

export const ladderStateSchema = () =>
  sub({
    dueAt: { type: Date, default: null },
    rung: { type: Number, min: 0, max: 3, default: 0 },
    firedAt: { type: Date, default: null },
    count: { type: Number, min: 0, default: 0 },
  });
