/**
 * Answers remembered within a session: when a case is filed, what it told of its writer and its
 * child (who is writing, age band, gender, province and commune) is kept in the conversation
 * document (`known`, in the store, never in memory). The next flow about the same person offers
 * them in one question — "Vẫn là em 11–13 tuổi, bạn nữ, ở Hà Nội phải không?" — with "Đúng vậy"
 * and "Khác": offered, never assumed. "Đúng vậy" fills them in and their questions are not asked;
 * "Khác" (or Skip) asks them as usual. Forget-me, "Xong & xoá" and quick exit delete the
 * conversation, and with it what it remembered.
 */
import type { Draft, Known, StepId } from './questions.js';
import type { Turn } from './turn.js';

/** The steps a remembered answer stands in for, and the field each fills. */
const REMEMBERED: Partial<Record<StepId, Exclude<keyof Known, 'about'>>> = {
  role: 'reporterRole',
  age: 'ageBand',
  gender: 'gender',
  province: 'province',
  commune: 'commune',
};
const FIELDS = Object.values(REMEMBERED);

/** Whom a draft's answers describe: the writer, another child, or not known (about skipped). */
function subjectOf(draft: Draft): Known['about'] | null {
  if (draft.kind === 'opinion') return 'self';
  return draft.about === 'self' || draft.about === 'other_child' ? draft.about : null;
}

/** What a finished draft leaves to remember, or null when it told nothing about anyone. */
export function rememberFrom(draft: Draft): Known | null {
  const about = subjectOf(draft);
  if (!about) return null;
  const known: Known = { about };
  const role = draft.reporterRole ?? (draft.kind === 'report' && about === 'self' ? 'child' : null);
  if (role) known.reporterRole = role;
  for (const field of FIELDS) if (field !== 'reporterRole' && draft[field]) known[field] = draft[field];
  return Object.keys(known).length > 1 ? known : null;
}

/** The remembered answers that fit this draft: known of the same person, not yet offered. */
function fitting(draft: Draft): Known | null {
  const known = draft.known;
  return known && draft.same === undefined && subjectOf(draft) === known.about ? known : null;
}

/** True when the flow should ask "still the same as last time?". */
export const offersKnown = (draft: Draft) => fitting(draft) !== null && summaryParts(fitting(draft)!).length > 0;

/** "Đúng vậy": the remembered answers become this draft's. */
export function takeKnown(draft: Draft) {
  const known = draft.known;
  if (!known) return;
  for (const field of FIELDS) if (known[field]) draft[field] = known[field];
}

/** True when a step's answer was taken from what was remembered (so it is not asked). */
export function isRemembered(step: StepId, draft: Draft): boolean {
  const field = REMEMBERED[step];
  if (draft.same !== 'yes' || !field) return false;
  // The place was confirmed as it was told: a commune not given then is not asked for now.
  return Boolean(draft[field]) || (step === 'commune' && Boolean(draft.province));
}

type Part = { key: 'age' | 'gender' | 'place' | 'role'; value: string };

function summaryParts(known: Known): Part[] {
  const parts: Part[] = [];
  if (known.ageBand) parts.push({ key: 'age', value: known.ageBand });
  if (known.gender) parts.push({ key: 'gender', value: known.gender });
  if (known.province) parts.push({ key: 'place', value: known.commune ? `${known.commune}, ${known.province}` : known.province });
  if (known.reporterRole && known.reporterRole !== 'child') parts.push({ key: 'role', value: known.reporterRole });
  return parts;
}

/** "em 11–13 tuổi, bạn nữ, ở Hà Nội": what the "still the same?" question offers. */
export function knownSummary(turn: Turn, draft: Draft): string {
  const known = draft.known;
  if (!known) return '';
  const { t } = turn;
  const words = summaryParts(known).map(({ key, value }) => {
    if (key === 'age') return t('understand.same.age', { age: t(`bot.opt.age.${value}`) });
    if (key === 'gender') return t(`understand.same.gender.${value}`);
    if (key === 'place') return t('understand.same.place', { place: value });
    const role = t(`bot.opt.role.${value}`);
    return t('understand.same.role', { role: role.charAt(0).toLowerCase() + role.slice(1) });
  });
  return `${t(`understand.same.subject_${known.about === 'self' ? 'self' : 'other'}`)} ${words.join(', ')}`;
}
