import { MINUTE_MS } from '../app/time.js';
import type { EscalationSettings, LadderState } from '../models/index.js';

/**
 * The escalation ladder, as a pure function of the time (no clock of its own, so tests drive
 * it). Rungs: 1 the reminder before the deadline (to the assignee; to the coordinators while
 * nobody is assigned), 2 the coordinators at the deadline, 3 the admins some time after it.
 * Each rung fires once when reached and again every `repeatMs` while it is the highest one,
 * until the subject is no longer open (answered, closed). A changed deadline starts again.
 */
export const RUNGS = [1, 2, 3] as const;
export type Rung = (typeof RUNGS)[number];

export interface LadderTiming {
  /** The reminder comes at this share of the time from the start to the deadline (75 → 0.75). */
  remindAtPercent: number;
  repeatMs: number;
  /** How long after the deadline the admins are alerted. */
  adminAfterMs: number;
}

/** What the ladder needs to know of a case or a forwarded opinion. */
export interface LadderSubject {
  /** Still waiting for the staff's answer (or the agency's). */
  open: boolean;
  startAt: Date;
  dueAt: Date | null;
  state: LadderState | undefined;
}

export interface LadderStep {
  /** The rung to alert now, if any; `repeat` when it fired before. */
  fire: { rung: Rung; repeat: boolean } | null;
  state: LadderState;
  /** When to look again; null when there is nothing left to do. */
  nextAt: Date | null;
}

const EMPTY: LadderState = { dueAt: null, rung: 0, firedAt: null, count: 0 };

/** When each rung is reached for a deadline. */
export function rungTimes(startAt: Date, dueAt: Date, timing: LadderTiming): Record<Rung, number> {
  const start = startAt.getTime();
  const due = dueAt.getTime();
  return {
    1: start + Math.max(0, due - start) * (timing.remindAtPercent / 100),
    2: due,
    3: due + timing.adminAfterMs,
  };
}

export function planLadder(subject: LadderSubject, timing: LadderTiming, now: Date): LadderStep {
  const saved = subject.state ?? EMPTY;
  if (!subject.open || !subject.dueAt) return { fire: null, state: saved, nextAt: null };
  const sameDeadline = saved.dueAt !== null && new Date(saved.dueAt).getTime() === subject.dueAt.getTime();
  let state: LadderState = sameDeadline ? saved : { ...EMPTY, dueAt: subject.dueAt, count: saved.count };
  const times = rungTimes(subject.startAt, subject.dueAt, timing);
  const t = now.getTime();
  const reached = RUNGS.filter((r) => times[r] <= t).at(-1) ?? 0;
  let fire: LadderStep['fire'] = null;
  const lastFired = state.firedAt ? new Date(state.firedAt).getTime() : null;
  if (reached > state.rung) {
    fire = { rung: reached as Rung, repeat: false };
  } else if (reached > 0 && reached === state.rung && lastFired !== null && t >= lastFired + timing.repeatMs) {
    fire = { rung: reached as Rung, repeat: true };
  }
  if (fire) state = { ...state, rung: fire.rung, firedAt: now, count: state.count + 1 };
  const candidates: number[] = [];
  if (state.rung < 3) candidates.push(times[(state.rung + 1) as Rung]);
  if (state.rung > 0 && state.firedAt) candidates.push(new Date(state.firedAt).getTime() + timing.repeatMs);
  const next = Math.max(t + 1, Math.min(...candidates));
  return { fire, state, nextAt: new Date(next) };
}

/** The timing of a case's ladder, from the settings. */
export const caseTiming = (e: EscalationSettings): LadderTiming => ({
  remindAtPercent: e.remindAtPercent,
  repeatMs: e.repeatMinutes * MINUTE_MS,
  adminAfterMs: e.adminAfterMinutes * MINUTE_MS,
});

/**
 * When the sweep first needs to look at a case opened now with this deadline: its first rung.
 * Set as the case is opened, so that a new case costs the ladder no write of its own.
 */
export function firstLook(openedAt: Date, dueAt: Date, escalation: EscalationSettings): Date {
  return planLadder({ open: true, startAt: openedAt, dueAt, state: undefined }, caseTiming(escalation), openedAt).nextAt ?? openedAt;
}
