/**
 * Who is writing decides the voice (issue 11). A child is spoken to as "em"; a parent,
 * relative, teacher or other adult writing about a child as "anh/chị", and the child is "cháu"
 * ("Cháu bao nhiêu tuổi?"). The writer is learnt from the first "who" question (which offers
 * the adult answer directly), from the role question, or from their own words ("con gái tôi…",
 * "tôi là mẹ của cháu", "my son…", "I'm a teacher" — see writer-words.ts). Their words are kept
 * as ever; reading them only changes how the bot speaks.
 *
 * The conversation keeps the writer (`conv.writer`), so the voice holds across messages, flows
 * and restarts of the app; the lines themselves are locale keys with an `_adult` variant
 * (turn.ts `voicedT`). Adults also get first steps (keep the child away from the person, keep
 * evidence, 111 / 113, a doctor…) after their report, and whenever they ask what to do.
 */
import { REPORTER_ROLES } from '../../models/index.js';
import { childAgeIn } from './age-reading.js';
import { keepText } from './keeping.js';
import { reask } from './prompts.js';
import { onReply } from './reply-mode.js';
import type { Draft, StepId } from './questions.js';
import { inFlow, setVoice, voicedT, type EngineDeps, type Turn } from './turn.js';
import { asksAsAdult, asksWhatToDo, recogniseWriter, type AdultRole } from './writer-words.js';

const ADULT_ROLES: readonly AdultRole[] = ['parent', 'teacher', 'other'];
const isAdultRole = (role: unknown): role is AdultRole => ADULT_ROLES.includes(role as AdultRole);

/** Remembers who is writing and speaks to them in their voice from this reply on. */
function setWriter(deps: EngineDeps, turn: Turn, voice: 'child' | 'adult', role?: AdultRole | null) {
  turn.conv.writer = { voice, role: voice === 'adult' ? (role ?? null) : null };
  if (turn.voice !== voice) setVoice(deps, turn, voice);
}

/**
 * Reads who is writing from a message. An adult's words ("con gái tôi…") make the voice adult
 * — unless the flow's child said it is about themself — and fill in what the draft does not
 * know yet: written by an adult, about a child, the adult's role, the child's gender. The open
 * question's own field is left to its answer (see {@link writerAnswer}).
 */
export function noticeWriter(deps: EngineDeps, turn: Turn, text: string | undefined) {
  const hint = text ? recogniseWriter(text) : null;
  if (!hint) return;
  const { conv } = turn;
  const flowing = inFlow(turn);
  if (flowing && conv.draft.about === 'self') return;
  const known = conv.writer?.voice === 'adult' ? conv.writer.role : null;
  // A role said plainly ("tôi là mẹ") beats the vague "another adult".
  const role = known && !(known === 'other' && hint.role !== 'other') ? known : hint.role;
  setWriter(deps, turn, 'adult', role);
  if (flowing) fillDraft(conv.draft, role, hint.childGender, conv.step);
}

/** What an adult writer tells the draft, except the field of the question open now. */
function fillDraft(draft: Draft, role: AdultRole | null | undefined, childGender: string | undefined, open: string) {
  draft.writer = 'adult';
  if (open !== 'about') draft.about ??= 'other_child';
  if (open !== 'role' && role && (draft.reporterRole === undefined || draft.reporterRole === 'child')) draft.reporterRole = role;
  if (open !== 'gender' && childGender && draft.gender === undefined) draft.gender = childGender;
}

/**
 * A new flow's draft from who is writing: for an adult it is about a child, in their role; the
 * words held before the flow (now its story) may tell the child's gender too. Only when this
 * flow's own words say an adult is writing ("con gái tôi…"), or it asks the questions of the case
 * those words opened just now: a phone may be shared, and a report filed earlier by a parent does
 * not make the next one a parent's (who is writing is asked again).
 */
export function startDraftVoice(turn: Turn) {
  const { conv } = turn;
  if (conv.writer?.voice !== 'adult') return;
  const hints = (conv.draft.story ?? []).map(recogniseWriter);
  if (!conv.followUp && !hints.some(Boolean)) return;
  const gender = hints.find((h) => h?.childGender)?.childGender;
  fillDraft(conv.draft, conv.writer.role, gender, '');
}

/**
 * The answer an adult's words give the open question, when no option was chosen: "tôi là mẹ
 * cháu" at "who did this happen to?" is the adult answer, at the role question the role, and
 * "con gái tôi" at the gender question a girl. The words are kept in the report all the same.
 */
export function writerAnswer(turn: Turn, step: StepId, text: string | undefined): string | null {
  const hint = text && !turn.textKept ? recogniseWriter(text) : null;
  if (!hint) return null;
  const value = step === 'about' ? 'adult' : step === 'role' ? hint.role : step === 'gender' && turn.voice === 'adult' ? (hint.childGender ?? null) : null;
  if (value) keepText(turn, text);
  return value;
}

/** Puts a choice question's answer in the draft; "who" and "role" also set the voice. */
export function setAnswer(deps: EngineDeps, turn: Turn, step: StepId, field: keyof Draft, value: string) {
  const { draft } = turn.conv;
  if (step === 'about') {
    const adult = value === 'adult';
    draft.about = adult ? 'other_child' : value;
    draft.writer = adult ? 'adult' : 'child';
    if (adult) {
      const role = turn.conv.writer?.voice === 'adult' ? turn.conv.writer.role : null;
      if (role) draft.reporterRole = role;
      return setWriter(deps, turn, 'adult', role);
    }
    draft.reporterRole = 'child';
    return setWriter(deps, turn, 'child');
  }
  if (step === 'role') {
    draft.reporterRole = value;
    draft.writer = isAdultRole(value) ? 'adult' : 'child';
    return setWriter(deps, turn, draft.writer, isAdultRole(value) ? value : null);
  }
  (draft as Record<string, unknown>)[field] = value;
}

/** The values a choice question offers now: an adult is not offered "I am a child". */
export function offeredValues(turn: Turn, step: StepId, values: readonly string[]): readonly string[] {
  const adult = turn.voice === 'adult' || turn.conv.draft.writer === 'adult';
  return step === 'role' && adult ? values.filter(isAdultRole) : values;
}

/** What a case opened from an adult's words alone (risk words before any flow) knows of its writer. */
export function writerFields(turn: Turn, words: readonly string[] = []): { about?: string; reporterRole?: string; gender?: string; ageBand?: string } {
  const writer = turn.conv.writer;
  if (writer?.voice !== 'adult') return {};
  // "Con gái tôi 9 tuổi…": the child's gender and age, so the questions after it do not ask them.
  const gender = words.map(recogniseWriter).find((h) => h?.childGender)?.childGender;
  const ageBand = words.map(childAgeIn).find((band) => band !== null);
  return { about: 'other_child', reporterRole: writer.role ?? 'other', ...(gender ? { gender } : {}), ...(ageBand ? { ageBand } : {}) };
}

/** The reporter role a case gets: a child's own or a friend's story is the child's; an adult's, their role. */
export function reporterRoleOf(draft: Draft): string | undefined {
  if (draft.reporterRole && (REPORTER_ROLES as readonly string[]).includes(draft.reporterRole)) return draft.reporterRole;
  if (draft.writer === 'adult') return 'other';
  if (draft.writer === 'child' || (draft.kind === 'report' && draft.about === 'self')) return 'child';
  return undefined;
}

/** Harm types whose first steps for an adult are their own (`voice.first_steps_harm.<type>_adult`). */
const HARM_STEPS: ReadonlySet<string> = new Set(['violence', 'bullying', 'sexual_abuse', 'online', 'neglect', 'exploitation', 'trafficking']);

/**
 * First steps: for an adult, what to do for the child now, fitting the harm reported when it is
 * known (bullying at school: the form teacher and the school, not "don't wash the clothes";
 * online harm: keep screenshots, don't pay; neglect: the commune's People's Committee…), else
 * the general ones (keep the child away from the person, keep evidence, a doctor when hurt,
 * listen and believe); for a child, how to stay safe and whom to tell. Every version names 111.
 */
export function firstSteps(turn: Turn, lead: 'asked' | 'after_report' | 'after_advice', how: { t?: Turn['t']; adult?: boolean; harm?: string | null } = {}): string {
  const t = how.t ?? turn.t;
  const adult = how.adult ?? turn.voice === 'adult';
  const steps = adult && how.harm && HARM_STEPS.has(how.harm) ? t(`voice.first_steps_harm.${how.harm}_adult`) : t('voice.first_steps');
  return `${t(`voice.first_steps_intro.${lead}`)}\n\n${steps}`;
}

/**
 * The first steps for someone asking what to do: in their voice — or, when nobody has said who
 * is writing yet, an adult's when the question is an adult's ("Tôi nên làm gì?") — fitting the
 * harm the report in progress names.
 */
function stepsFor(turn: Turn, text: string | undefined): string {
  const adultAsks = !turn.conv.writer && !!text && asksAsAdult(text);
  const harm = inFlow(turn) ? turn.conv.draft.harmType : null;
  return firstSteps(turn, 'asked', adultAsks ? { t: voicedT(turn.lang, 'adult'), adult: true, harm } : { harm });
}

/**
 * "Tôi nên làm gì?" asked on its own: the first steps, then the question the writer was
 * answering (its words are kept in a flow's report, or sent to the counsellor in reply mode),
 * or the menu and 111.
 */
export async function onWhatToDo(deps: EngineDeps, turn: Turn, text: string | undefined) {
  if (turn.conv.step === 'reply') {
    await onReply(deps, turn, text, null, false);
    return addFirstSteps(turn, text);
  }
  if (inFlow(turn)) {
    keepText(turn, text);
    turn.replies.push(turn.r.text(stepsFor(turn, text)));
    return reask(deps, turn);
  }
  turn.replies.push(turn.r.plain(stepsFor(turn, text)));
}

/**
 * A longer message of an adult's that also asks what to do ("con tôi bị đánh, tôi nên làm
 * gì?"), outside a flow or in a report: handled as ever, and the first steps are shown before
 * the question or menu that ends the answer. (A child's "em phải làm sao" in a longer message
 * is their story, for the counsellor to answer.)
 */
export function whatToDoWithin(turn: Turn, text: string | undefined) {
  const kind = turn.conv.draft.kind;
  if (turn.voice !== 'adult' || asksWhatToDo(text) !== 'within' || (inFlow(turn) && kind !== 'report')) return;
  addFirstSteps(turn, text);
}

function addFirstSteps(turn: Turn, text: string | undefined) {
  const steps = turn.r.text(stepsFor(turn, text));
  const last = turn.replies.at(-1);
  if (last?.options?.length) turn.replies.splice(turn.replies.length - 1, 0, steps);
  else turn.replies.push(steps);
}

/** Restart forgets who was writing: the next person on this phone may be someone else. */
export function forgetWriter(deps: EngineDeps, turn: Turn) {
  turn.conv.writer = null;
  if (turn.voice !== 'child') setVoice(deps, turn, 'child');
}
