/**
 * A typed age, read only where it is one. A number is an age when it opens the message (after
 * words such as "em", "năm nay", "khoảng") and either carries its unit ("12 tuổi", "12t",
 * "12 years old", "mười hai tuổi") or stands alone in its clause ("12", "em 12 ạ", "12, bố
 * em…"). A school grade is read as one ("lớp 7", "grade 7"). Anything else with a number in it
 * — "m3", a phone number, "3 giờ", "3 lần", "50k", "12/5", "lớp 3" further on in a story — is no
 * age: the message is the child's words, and is kept as they are.
 *
 * Grades: a Vietnamese child starts lớp 1 in the year they turn 6 (by birth year, the way ages
 * are told), so lớp N is age N + 5: lớp 1–5 → 6–10, lớp 6–8 → 11–13, lớp 9–10 → 14–15,
 * lớp 11–12 → 16–17 — the age bands follow the school levels. "grade N" is read the same way.
 */
import { normalizeText } from '../risk/risk-detector.js';
import type { Draft } from './questions.js';
import { firstClause, saysSomething } from './understand.js';

/** An age read from a message; `more` when the message says more than the age (to be kept). */
export interface AgeReading {
  band: string;
  more: boolean;
}

/** Words that may come before an age or around it without saying anything more. */
const AROUND = new Set(
  ['em', 'e', 'minh', 'to', 'toi', 'con', 'chau', 'ban', 'ay', 'no', 'la', 'thi', 'duoc', 'da', 'vang', 'u', 'a', 'ah', 'nhe', 'nha', 'ne', 'roi',
    'khoang', 'tam', 'chac', 'hon', 'gan', 'moi', 'tron', 'chua', 'den', 'dang', 'hoc', 'i', 'im', 'am', 'm', 'about', 'around', 'is', 's', 'he', 'she', 'in', 'only', 'just', 'my', 'child', 'kid', 'age', 'aged'],
);
/** Phrases that say "now" or "this year", removed before reading. */
const NOW = /\b(nam nay|bay gio|hien tai|hien nay|this year|right now|now)\b/g;
const UNITS = new Set(['tuoi', 't', 'yo', 'yrs', 'years', 'year', 'y']);
const GLUED = /^(\d{1,2})(t|tuoi|yo|y)?$/;
const GRADE_WORDS = new Set(['lop', 'grade', 'class']);
const DIGIT_WORDS: Record<string, number> = { mot: 1, hai: 2, ba: 3, bon: 4, tu: 4, nam: 5, lam: 5, sau: 6, bay: 7, tam: 8, chin: 9 };

/** The age band of an age in years. */
export function bandOfAge(age: number): string {
  if (age < 6) return 'under_6';
  if (age <= 10) return '6_10';
  if (age <= 13) return '11_13';
  if (age <= 15) return '14_15';
  if (age <= 17) return '16_17';
  return 'adult';
}

/** The age band a school grade stands for: lớp N is age N + 5 (see above). */
export const bandOfGrade = (grade: number) => bandOfAge(grade + 5);

/** "mười hai" → 12, "mười lăm" → 15, "chín" → 9 (with "tuổi" after it; up to 19). */
function spelledAge(words: string[], at: number): { age: number; used: number } | null {
  if (words[at] === 'muoi') {
    const unit = DIGIT_WORDS[words[at + 1] ?? ''];
    return unit ? { age: 10 + unit, used: 2 } : { age: 10, used: 1 };
  }
  const unit = DIGIT_WORDS[words[at] ?? ''];
  return unit ? { age: unit, used: 1 } : null;
}

/** The age a clause opens with, and where its words go on after it; null when it opens with none. */
function ageAt(words: string[], at: number): { band: string; next: number } | null {
  const grade = GRADE_WORDS.has(words[at] ?? '') ? /^\d{1,2}$/.exec(words[at + 1] ?? '') : null;
  if (grade) return Number(grade[0]) >= 1 && Number(grade[0]) <= 12 ? { band: bandOfGrade(Number(grade[0])), next: at + 2 } : null;
  const glued = GLUED.exec(words[at] ?? '');
  const spelled = glued ? null : spelledAge(words, at);
  const age = glued ? Number(glued[1]) : spelled?.age;
  if (!age) return null;
  let next = at + (spelled?.used ?? 1);
  const unit = Boolean(glued?.[2]) || UNITS.has(words[next] ?? '');
  if (!glued?.[2] && unit) next += words[next + 1] === 'old' ? 2 : 1;
  // A spelled number is an age only with its unit; a bare number only when its clause ends there.
  if (spelled && !unit) return null;
  if (!unit && words.slice(next).some((w) => !AROUND.has(w))) return null;
  return { band: bandOfAge(age), next };
}

/**
 * The age a message gives, read from its first clause (see the module comment), or null. `more`
 * when anything beyond the age and the words around it follows.
 */
export function readAge(text: string): AgeReading | null {
  const clause = firstClause(text);
  const words = normalizeText(clause?.head ?? text).replace(NOW, ' ').split(/\s+/).filter(Boolean);
  const at = words.findIndex((w) => !AROUND.has(w));
  if (at < 0) return null;
  const found = ageAt(words, at);
  if (!found) return null;
  const tail = words.slice(found.next).filter((w) => !AROUND.has(w));
  return { band: found.band, more: tail.length > 0 || (clause ? saysSomething(clause.rest) : false) };
}

/**
 * A question the child's words answered already: a flow about the child themself whose story
 * opens with their age ("Em 15 tuổi, em hay bị mất ngủ…", "em học lớp 7, …") is not asked it.
 * Not for an adult writing, nor about another child (whose age the words do not give).
 */
export function ageFromWords(draft: Draft) {
  if (draft.ageBand !== undefined) return;
  if (draft.writer === 'adult') {
    // An adult's words about their child ("con gái tôi 9 tuổi…") give the child's age.
    const told = (draft.story ?? []).map(childAgeIn).find((band) => band !== null);
    if (told) draft.ageBand = told;
    return;
  }
  const self = draft.about === 'self' || draft.kind === 'opinion';
  if (!self) return;
  const band = (draft.story ?? []).map(readAge).find((read) => read !== null)?.band;
  if (band) draft.ageBand = band;
}

/** "con gái tôi 9 tuổi", "cháu nhà tôi năm nay 7 tuổi", "my daughter is 9", "my 9-year-old son". */
const CHILD_AGE = [
  /\b(?:con|chau|be)(?: (?:gai|trai|nha|cua|be|ut|lon))*(?: (?:toi|em|minh|chung toi|anh|chi))?(?: (?:nam nay|bay gio|hien|da|duoc|moi|vua|la))* (\d{1,2}) ?(?:tuoi|t)\b/,
  /\b(?:daughter|son|child|kid|girl|boy)(?: is| s)?(?: (?:only|just|now))? (\d{1,2})(?: (?:years?|yrs) old| yo)?\b/,
  /\b(\d{1,2}) ?(?:years?|yr) ?old (?:daughter|son|child|kid|girl|boy)\b/,
];

/** The age band of a child an adult's words name with an age (a child's: under 18), or null. */
export function childAgeIn(text: string): string | null {
  const n = normalizeText(text);
  for (const re of CHILD_AGE) {
    const age = Number(re.exec(n)?.[1] ?? NaN);
    if (age >= 0 && age < 18) return bandOfAge(age);
  }
  return null;
}
