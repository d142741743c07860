import { CaseModel, StaffModel, type AdviceArea, type Case, type Expertise } from '../models/index.js';
import type { Store } from '../store/index.js';
import { OPEN_STATUSES } from './case-workflow.js';

/** The expertise an advice request needs, by the area the child chose. */
const EXPERTISE_BY_ADVICE_AREA: Record<AdviceArea, Expertise[]> = {
  psychology: ['psychology'],
  law: ['law'],
  health: ['health'],
  school: ['education'],
};

/**
 * The fields of expertise that fit a case (seed 001: cases go to the members expert in the
 * field): a report of harm needs law, psychology and social work; an opinion education and
 * social work; an advice request the area asked about (none known yet: anyone).
 */
export function expertiseFor(c: Pick<Case, 'kind' | 'adviceArea'>): Expertise[] {
  switch (c.kind) {
    case 'report':
      return ['law', 'psychology', 'social_work'];
    case 'opinion':
      return ['education', 'social_work'];
    case 'advice':
      return c.adviceArea ? EXPERTISE_BY_ADVICE_AREA[c.adviceArea as AdviceArea] : [];
  }
}

/** A counsellor who could take a case, with why. */
export interface AssigneeSuggestion {
  staffId: string;
  name: string;
  /** The case's fields of expertise this counsellor has. */
  matchedExpertise: Expertise[];
  /** Cases assigned to them and still open. */
  openCases: number;
}

/**
 * Active counsellors working in the case's province (any, while the province is unknown)
 * whose expertise fits, ranked by how many of the needed fields they cover, then by the
 * fewest open cases, then by name.
 */
export async function suggestAssignees(store: Store, c: Case): Promise<AssigneeSuggestion[]> {
  const province = c.area?.province;
  const counsellors = await store
    .collection(StaffModel)
    .find({ role: 'counsellor', active: true, ...(province ? { areas: province } : {}) });
  const wanted = expertiseFor(c);
  const candidates = counsellors
    .map((s) => ({ staffId: s._id, name: s.name, matchedExpertise: wanted.filter((e) => s.expertise.includes(e)), openCases: 0 }))
    .filter((s) => wanted.length === 0 || s.matchedExpertise.length > 0);
  if (candidates.length === 0) return [];
  // Counted, not read: a count by assignee and status is a few rows of the engine's tally (an
  // index range on MongoDB), where reading the open cases brought back every document.
  const cases = store.collection(CaseModel);
  const counts = await Promise.all(candidates.map((s) => cases.count({ assigneeId: s.staffId, status: { $in: [...OPEN_STATUSES] } })));
  candidates.forEach((s, i) => (s.openCases = counts[i]!));
  return candidates.sort(
    (a, b) => b.matchedExpertise.length - a.matchedExpertise.length || a.openCases - b.openCases || a.name.localeCompare(b.name, 'vi'),
  );
}
