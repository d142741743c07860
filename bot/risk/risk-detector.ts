/**
 * Risk detection for children's messages, in Vietnamese and English (issue 7, DOMAIN.md).
 *
 * A message is prepared once (risk-text.ts: diacritics folded after marking ambiguous words,
 * teen spellings and contractions made canonical, everyday idioms blanked), then every named
 * rule (rules-*.ts) reads it. A rule combines concepts (risk-lexicon.ts) — who, what, where,
 * when — rather than matching one fixed sentence, so it generalises to words no list foresaw.
 *
 * The result says which rules fired, with their category and severity, and never the words
 * that matched: staff see the reasons, logs never see the text.
 */
import { ABOUT, alt, FAMILY_EN, KIN, ME } from './risk-lexicon.js';
import { has, type Rule } from './risk-match.js';
import { prepareText } from './risk-text.js';
import { DANGER_RULES, DISTRESS_RULES, SELF_HARM_RULES } from './rules-danger.js';
import { BULLYING_RULES, EXPLOITATION_RULES, MARRIAGE_RULES, NEGLECT_RULES, TRAFFICKING_RULES, VIOLENCE_RULES } from './rules-harm.js';
import { ONLINE_RULES, SEXUAL_RULES } from './rules-sexual.js';
import { maxSeverity, RISK_CATEGORIES, type RiskHit, type RiskResult, type Severity } from './risk-types.js';

export { normalizeText } from './risk-text.js';
export * from './risk-types.js';

/** Every rule, in the order their hits are reported. */
export const RULES: readonly Rule[] = [
  ...DANGER_RULES, ...SELF_HARM_RULES, ...SEXUAL_RULES, ...ONLINE_RULES, ...TRAFFICKING_RULES, ...MARRIAGE_RULES,
  ...VIOLENCE_RULES, ...BULLYING_RULES, ...NEGLECT_RULES, ...EXPLOITATION_RULES, ...DISTRESS_RULES,
];

/** Talk about a harm (a lesson, the news, a film) rather than a disclosure of one. */
const isAbout = has(ABOUT);
/** Something happening to the writer or someone they know. */
const isPersonal = has(
  `${alt(ME)} (?:dang )?bi`, `bi ${alt('bo', 'me', 'ba', 'duong', 'chu', 'bac', 'ong', 'thay', 'anh', 'ban')}`,
  `${alt('bo', 'me', 'ba', 'duong', 'chu', 'bac', 'ong', 'anh', 'chi', 'thay', 'co')} ${alt('em', 'con', 'minh', 'toi')}`,
  `(?:bat|ep|phat|doi|du|ru|cho|voi|danh|so) ${alt(ME)}`, `${alt(ME)} (?:phai|so|khong dam|zdare)`,
  '(?:to|at|hit|hits|with|for|told|tells|makes?|made|touch(?:es|ed)?|on) me', 'myself', 'im being', 'my (?:dad|mom|father|mother|stepdad|stepmom|uncle|aunt|brother|sister|friend|daughter|son|parents|teacher|coach|cousin|family)',
);
/** Peers rather than adults: harm from them is bullying. */
const byPeers = has('ban', 'cac ban', 'ban be', 'ban cung lop', 'ca lop', 'lop tren', 'tui no', 'bon no', 'may dua', 'truong', 'o truong', 'classmates', 'kids', 'bullies', 'at school', 'older (?:kids|boys|girls)');
// Anyone at home (KIN: "chú em", "anh trai", "bà nội"…) or a teacher: their harm stays violence, even at school.
const byHome = has(KIN, FAMILY_EN, 'thay', 'co giao', 'teacher');
const happeningNow = has('dang', 'ngay bay gio', 'bay gio', 'luc nay', 'right now', 'at the moment');

function adjust(hit: RiskHit, text: string): RiskHit {
  if (hit.category === 'violence' && hit.rule !== 'violence.fear_at_home' && byPeers(text) && !byHome(text)) {
    return { category: 'bullying', severity: 'concern', rule: hit.rule };
  }
  if ((hit.category === 'violence' || hit.category === 'sexual_abuse') && hit.severity === 'serious' && happeningNow(text)) {
    return { ...hit, severity: 'danger_now' };
  }
  return hit;
}

/**
 * Finds the risks a message points to: every rule that fired, with its category and severity,
 * the most serious severity, and the categories in {@link RISK_CATEGORIES} order.
 */
export function detectRisk(text: string): RiskResult {
  const prepared = prepareText(text);
  let hits = RULES.filter((r) => r.test(prepared)).map((r) => adjust({ category: r.category, severity: r.severity, rule: r.id }, prepared));
  if (hits.length && isAbout(prepared) && !isPersonal(prepared)) hits = hits.filter((h) => h.severity === 'danger_now' && h.category === 'danger_now');
  const severity = hits.reduce<Severity | null>((s, h) => maxSeverity(s, h.severity), null);
  const found = new Set(hits.map((h) => h.category));
  return {
    severity,
    urgent: severity === 'danger_now' || severity === 'serious',
    categories: RISK_CATEGORIES.filter((c) => found.has(c)),
    hits,
  };
}
