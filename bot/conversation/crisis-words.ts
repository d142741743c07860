import type { RiskSignal } from '../../cases/cases.service.js';
import type { Turn } from './turn.js';

/**
 * What crisis mode says first, fitted to the danger the words describe: a child locked in is
 * not told to lock the door, a child being taken is told to shout and stay where people are.
 * The first line that fits wins, most specific first; a press of "in danger now" with no
 * story told gets the general line.
 */
export type CrisisSituation = 'self_harm' | 'taken' | 'locked_in' | 'injured' | 'hit_now' | 'hiding' | 'followed' | 'general';

const SITUATION_RULES: [CrisisSituation, readonly string[]][] = [
  ['taken', ['trafficking.being_taken']],
  ['locked_in', ['danger_now.locked_in']],
  ['injured', ['danger_now.injured', 'violence.injured']],
  // A child already hiding stays hidden: "run to a neighbour" would bring them out.
  ['hiding', ['danger_now.hiding_in_fear']],
  ['hit_now', ['danger_now.violence_now', 'danger_now.weapon', 'danger_now.threat_to_kill']],
  ['followed', ['danger_now.followed']],
];

/** The locale key of a situation's first line (the line for an injury is this fix's own). */
export function firstLineKey(situation: CrisisSituation): string {
  return situation === 'injured' ? 'risk_fixes.first.injured' : `crisis_fixes.first.${situation}`;
}

/** The situation a rule that fired names ("em trốn trong tủ" → hiding), or null. */
export function namedSituation(signal: RiskSignal): CrisisSituation | null {
  const rules = signal.rules ?? [];
  return SITUATION_RULES.find(([, ids]) => ids.some((id) => rules.includes(id)))?.[0] ?? null;
}

/** The situation of danger from someone that the rules that fired describe (self-harm is crisis mode's own kind). */
export function situationOf(signal: RiskSignal): CrisisSituation {
  const found = namedSituation(signal);
  if (found) return found;
  // Violence or abuse said as happening now ("chú ấy đang đánh em"): the words for being hurt now.
  return signal.reasons.some((r) => r === 'violence' || r === 'sexual_abuse') ? 'hit_now' : 'general';
}

/** How the crisis began: whether the child told something (words, a story) and whether staff were reached. */
export interface CrisisOpening {
  told: boolean;
  alerted: boolean;
}

/**
 * The first crisis message: "not your fault" only after the child told something (never after
 * a lone button press), "I told the counsellors" only when an alert reached someone, then the
 * first thing to do in this situation.
 */
export function crisisStartText(turn: Turn, situation: CrisisSituation, opening: CrisisOpening): string {
  const t = turn.t;
  const child = turn.voice === 'child';
  const lead = [
    child && situation === 'self_harm' ? t('crisis_fixes.self_harm_open') : null,
    child && situation !== 'self_harm' && opening.told ? t('crisis_fixes.not_your_fault') : null,
    t(opening.alerted ? 'crisis_fixes.with_you_alerted' : 'crisis_fixes.with_you'),
  ];
  return `${lead.filter(Boolean).join(' ')}\n${t(firstLineKey(situation))}`;
}

/** The case code, and how to come back with it: said whenever crisis mode ends with the child. */
export function codeText(turn: Turn, code: string): string {
  return turn.t('crisis_fixes.your_code', { code });
}

/** What to do with a call option (no platform can dial from a button): the number and what to say. */
export function howToCallText(turn: Turn, number: string): string {
  return turn.t('crisis_fixes.how_to_call', { number });
}
