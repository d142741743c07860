import type { RiskSignal } from '../../cases/cases.service.js';
import type { Case } from '../../models/index.js';
import { normalizeText } from '../risk/risk-detector.js';
import { inFlow, type Turn } from './turn.js';

/**
 * A story of the past told after the child answered "not in danger now" ("Không" at "Ngay lúc
 * này em có đang gặp nguy hiểm không?"): "hôm qua bố cầm dao dọa giết em" is what happened, not
 * danger happening now. It is recorded as a serious risk (the case stays urgent, staff are
 * alerted, 111 is shown), the story kept, and crisis mode is not opened again over the child's
 * own answer. Words of danger now ("bố đang đánh em", "cứu em", "giờ bố vẫn…") always are.
 */

/** When it happened, said in the past: yesterday, last week, back then, once ("từng"). */
const PAST = new RegExp(
  `(?:^| )(?:${[
    'hom qua', 'hom truoc', 'hom kia', 'hom bua', 'toi qua', 'dem qua', 'chieu qua', 'trua qua', 'sang qua', 'tuan truoc', 'tuan roi', 'thang truoc',
    'thang roi', 'nam ngoai', 'nam truoc', 'nam roi', 'hoi truoc', 'hoi do', 'hoi nho', 'hoi xua', 'hoi em', 'luc truoc', 'truoc day', 'truoc kia',
    'ngay xua', 'lan truoc', 'da tung', 'tung bi', 'may hom truoc', 'may ngay truoc', 'yesterday', 'last (?:night|week|month|year|time)', 'ago', 'used to',
    'when i was', 'once',
  ].join('|')})(?= |$)`,
);

/** Said as now, or to come: these keep danger now whatever else the words say. */
const NOW = new RegExp(
  `(?:^| )(?:${[
    'dang', 'bay gio', 'gio', 'luc nay', 'hien gio', 'hien tai', 'van', 'toi nay', 'dem nay', 'hom nay', 'sap', 'se', 'now', 'right now',
    'currently', 'still', 'tonight', 'today', 'will', 'going to', 'is', 'are', 'am',
  ].join('|')})(?= |$)`,
);

/** Rules that are danger now by what they are: a cry for help, violence or self-harm in progress. */
const NOW_RULES = new Set(['danger_now.cry_for_help', 'danger_now.violence_now', 'self_harm.in_progress']);

/** True when the child answered "not in danger now": in this flow, or for the case the words go to. */
export function saidNotInDanger(turn: Turn, openCase: Pick<Case, 'dangerNow'> | null): boolean {
  return inFlow(turn) ? turn.conv.draft.dangerNow === false : openCase?.dangerNow === false;
}

/** True when danger-now words tell of the past: a past time named, nothing said as now. */
export function toldAsPast(signal: RiskSignal, text: string | undefined): boolean {
  if (signal.severity !== 'danger_now' || !text) return false;
  if ((signal.rules ?? []).some((r) => NOW_RULES.has(r))) return false;
  const n = normalizeText(text);
  return PAST.test(n) && !NOW.test(n);
}

/** The signal of a past story: serious, not danger now (the rules stay, for staff to read why). */
export function asPast(signal: RiskSignal): RiskSignal {
  return { ...signal, severity: 'serious', reasons: signal.reasons.filter((r) => r !== 'danger_now') };
}
