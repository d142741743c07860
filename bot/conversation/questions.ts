import {
  ABOUT,
  ADVICE_AREAS,
  AGE_BANDS,
  CONTACT_WISHES,
  GENDERS,
  HARM_TYPES,
  REPORTER_ROLES,
  TOPICS,
  type CaseKind,
} from '../../models/index.js';

/** The answers a flow collects. `story` and `attachments` gather everything the child sends. */
export interface Draft {
  kind?: CaseKind;
  /** Who is writing: the child (about themself or a friend) or an adult about a child. Not a case field. */
  writer?: 'child' | 'adult';
  dangerNow?: boolean | null;
  about?: string | null;
  reporterRole?: string | null;
  ageBand?: string | null;
  gender?: string | null;
  province?: string | null;
  commune?: string | null;
  harmType?: string | null;
  topic?: string | null;
  adviceArea?: string | null;
  contactWish?: string | null;
  contactDetails?: string | null;
  story?: string[];
  /** For each entry of `story`, the question it was written at (a step id), or null. */
  storyAsked?: (string | null)[];
  attachments?: { kind: string; ref: string; mime?: string | null }[];
}

export type StepId =
  | 'danger'
  | 'about'
  | 'role'
  | 'age'
  | 'gender'
  | 'province'
  | 'commune'
  | 'harm'
  | 'topic'
  | 'advice_area'
  | 'story'
  | 'story_more'
  | 'media'
  | 'contact'
  | 'contact_details';

/**
 * The guided questions of each kind, in order; every one can be skipped. "In danger now" comes
 * first in a report, because the answer changes what happens next. Asking for advice, the child
 * writes after one question (what it is about): the questions about them come after their words.
 * Nothing is carried over from an earlier case in the same chat: a phone may be shared, and a
 * new report must not show whoever holds it the earlier one's age, gender or place.
 */
export const FLOWS: Record<CaseKind, StepId[]> = {
  report: ['danger', 'about', 'role', 'age', 'gender', 'province', 'commune', 'harm', 'story', 'story_more', 'media', 'contact', 'contact_details'],
  opinion: ['role', 'age', 'gender', 'province', 'commune', 'topic', 'story', 'story_more', 'contact', 'contact_details'],
  advice: ['advice_area', 'story', 'story_more', 'danger', 'about', 'role', 'age', 'gender', 'province', 'commune', 'contact', 'contact_details'],
};

/**
 * The answers to "who did this happen to?": the child themself, another child (told by a
 * child), or a child of the adult writing (a parent, relative, teacher…). The case stores
 * `about` (self / other_child) and the reporter's role.
 */
export const ABOUT_ANSWERS = [...ABOUT, 'adult'] as const;

/** A question with fixed choices: the draft field it fills and the locale group of its labels. */
export interface ChoiceQuestion {
  field: keyof Draft;
  values: readonly string[];
  labels: string;
}

export const CHOICES: Partial<Record<StepId, ChoiceQuestion>> = {
  danger: { field: 'dangerNow', values: ['yes', 'no', 'unsure'], labels: 'bot.opt.danger' },
  about: { field: 'about', values: ABOUT_ANSWERS, labels: 'bot.opt.about' },
  role: { field: 'reporterRole', values: REPORTER_ROLES, labels: 'bot.opt.role' },
  age: { field: 'ageBand', values: AGE_BANDS, labels: 'bot.opt.age' },
  gender: { field: 'gender', values: GENDERS, labels: 'bot.opt.gender' },
  harm: { field: 'harmType', values: HARM_TYPES, labels: 'bot.opt.harm' },
  topic: { field: 'topic', values: TOPICS, labels: 'bot.opt.topic' },
  advice_area: { field: 'adviceArea', values: ADVICE_AREAS, labels: 'bot.opt.advice_area' },
  contact: { field: 'contactWish', values: CONTACT_WISHES, labels: 'bot.opt.contact' },
};

/** Whether a step is asked, given the answers so far. */
export function isAsked(step: StepId, draft: Draft): boolean {
  switch (step) {
    case 'about':
      // Known already when the words said it ("con gái tôi…"): an adult writing about a child.
      return draft.about === undefined;
    case 'role':
      // A child (about themself or a friend) is the reporter; an adult is asked which adult.
      if (draft.reporterRole !== undefined) return false;
      return draft.kind === 'opinion' || draft.writer === 'adult';
    case 'age':
    case 'gender':
      // An adult sharing their own opinion is not asked their age: it is about a child only.
      if (draft.writer === 'adult' && draft.about !== 'other_child') return false;
      // "Con gái tôi…" told the child's gender already; "em 12 tuổi, …" the child's age.
      return step === 'age' ? draft.ageBand === undefined : draft.gender === undefined;
    case 'contact_details':
      return draft.contactWish === 'phone';
    case 'commune':
      // No commune without its province: skipping the province skips it too.
      return !!draft.province;
    case 'story':
      return (draft.story?.length ?? 0) === 0;
    case 'story_more':
      return (draft.story?.length ?? 0) > 0;
    default:
      return true;
  }
}

/** The step after `current` in the draft's flow (or the first), or null when the flow is done. */
export function nextStep(draft: Draft, current: StepId | null): StepId | null {
  const flow = FLOWS[draft.kind ?? 'report'];
  const from = current ? flow.indexOf(current) + 1 : 0;
  return flow.slice(from).find((s) => isAsked(s, draft)) ?? null;
}

export const isStep = (s: string): s is StepId => Object.values(FLOWS).some((f) => (f as string[]).includes(s));
