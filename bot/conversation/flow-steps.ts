import type { CaseKind, RiskSeverity } from '../../models/index.js';
import { ANSWER_RULES, normalizeText } from '../risk/risk-detector.js';
import { ageFromWords, readAge } from './age-reading.js';
import { isChatter } from './intents.js';
import { finish, keepAlso, keepText, startDraft } from './keeping.js';
import type { Choice } from './choices.js';
import { readContactDetails } from './contact-details.js';
import { ask } from './prompts.js';
import { CHOICES, nextStep, type StepId } from './questions.js';
import { answerForms, synonymsOf } from './understand.js';
import { raiseRisk, takeFollowUp } from './safety.js';
import { setAnswer, writerAnswer } from './voice.js';
import type { EngineDeps, Turn } from './turn.js';

const SKIP_WORDS = ['bo qua', 'skip', 'xong', 'done', 'khong'];

/** "Không có ạ" at the photos question: nothing to send (its words are in the locales, `understand.synonyms.media.none`). */
const nothingToSend = (text: string) => answerForms(text).some((form) => synonymsOf('media.none').has(form));

/** Harm types that are serious whatever the words (issue 7): the case becomes urgent. */
const HARM_SEVERITY: Record<string, RiskSeverity> = { sexual_abuse: 'serious', trafficking: 'serious' };

/**
 * Starts a flow of the given kind with what the child sent before, and asks its first question.
 * When risk words opened a case just before ("bố em đánh em" as a first message), the questions
 * are that case's: one case, the child's first words first.
 */
export async function startFlow(deps: EngineDeps, turn: Turn, kind: CaseKind) {
  startDraft(turn, kind);
  await takeFollowUp(deps, turn);
  await advance(deps, turn, null);
}

/**
 * Takes a message as the answer to the flow's open question and moves on. False when the
 * message does not answer it: the caller keeps what it says and asks again.
 */
export async function answerStep(
  deps: EngineDeps,
  turn: Turn,
  step: StepId,
  text: string | undefined,
  choice: Choice | null,
  hadAttachments: boolean,
): Promise<boolean> {
  // A typed skip word skips unless it answers the question ("không" at "in danger now?" is no).
  const skipWord = text && !choice ? SKIP_WORDS.includes(normalizeText(text)) && step !== 'danger' : false;
  if (skipWord || (choice?.type === 'command' && (choice.command === 'skip' || choice.command === 'done'))) {
    await advance(deps, turn, step);
    return true;
  }
  if (CHOICES[step]) return answerChoice(deps, turn, step, text, choice);
  if (step === 'province' || step === 'commune') return !isStoryNotPlace(deps, turn, step, text, choice) && answerArea(deps, turn, step, text, choice);
  await answerFreely(deps, turn, step, text, hadAttachments);
  return true;
}

async function answerChoice(deps: EngineDeps, turn: Turn, step: StepId, text: string | undefined, choice: Choice | null) {
  const value = choiceOf(turn, step, text, choice) ?? writerAnswer(turn, step, text);
  if (value === null) return false;
  const draft = turn.conv.draft;
  if (step === 'danger') {
    draft.dangerNow = value === 'yes' ? true : value === 'no' ? false : null;
    if (value === 'yes') await raiseRisk(deps, turn, { severity: 'danger_now', reasons: ['danger_now'], rules: [ANSWER_RULES.dangerNow] }, undefined);
    // "Not in danger now" lowers danger now to serious, never below (the case stays urgent).
    if (value === 'no' && turn.conv.caseId) await deps.cases.lowerDangerNow(turn.conv.caseId);
    // In danger now: crisis mode, no more questions for now; they come back once the child is safe.
    if (turn.conv.crisis) {
      turn.conv.step = nextStep(draft, step) ?? step;
      return true;
    }
  } else {
    setAnswer(deps, turn, step, CHOICES[step]!.field, value);
    const harm = step === 'harm' ? HARM_SEVERITY[value] : undefined;
    if (harm) await raiseRisk(deps, turn, { severity: harm, reasons: [value], rules: [ANSWER_RULES.harmType] }, undefined);
  }
  await advance(deps, turn, step);
  return true;
}

/** "I don't know" where a place is asked: the question is skipped. */
const DONT_KNOW = /^(em |minh |toi )?(khong|ko|k|chua|hong) (biet|bt|ro|nho)( a| nua)?$/;

/**
 * A province or commune: an option (by its stable id), or typed words the area list knows
 * ("hanoi", "tp hcm", "em ở sài gòn ạ", "phuong cau giay"), stored as the list names it. A
 * province the list does not know is not stored (coordinators' scope is by the list's names):
 * a few words are kept in the report and the child is asked again. A commune the list does not
 * know is stored as typed, when it is short enough to be a name.
 */
async function answerArea(deps: EngineDeps, turn: Turn, step: 'province' | 'commune', text: string | undefined, choice: Choice | null) {
  const province = turn.conv.draft.province ?? null;
  // Typed words name a place as the list spells it; a loose match on a button's label is not trusted over them.
  const named = text && !turn.textKept ? (step === 'province' ? deps.areas.matchProvince(text) : deps.areas.matchCommune(province, text)) : null;
  const pressed = choice?.type === 'area' && choice.level === step ? areaById(deps, step, province, choice.id) : null;
  const picked = named ?? pressed;
  if (picked) {
    turn.conv.draft[step] = picked;
    await advance(deps, turn, step);
    return true;
  }
  // An option of an older question is no answer; neither is text already kept elsewhere.
  // Small talk ("ok", "hả") is no place: the engine answers it and asks again.
  if (!text || turn.textKept || (choice && choice.type !== 'area') || isChatter(text)) return false;
  if (DONT_KNOW.test(normalizeText(text))) {
    await advance(deps, turn, step);
    return true;
  }
  const words = text.split(/\s+/).length;
  if (step === 'commune' && words <= 5) {
    turn.conv.draft.commune = text;
    await advance(deps, turn, step);
    return true;
  }
  if (step === 'commune' || words > 4) return false;
  keepText(turn, text);
  turn.replies.push(turn.r.text(turn.t('places.province_unknown')));
  ask(deps, turn, step);
  return true;
}

function areaById(deps: EngineDeps, step: 'province' | 'commune', province: string | null | undefined, id: string) {
  return step === 'province' ? deps.areas.provinceById(id) : deps.areas.communeById(province, id);
}

/** The steps answered in the child's own words: the story, files, contact details. */
async function answerFreely(deps: EngineDeps, turn: Turn, step: StepId, text: string | undefined, hadAttachments: boolean) {
  switch (step) {
    case 'story':
    case 'story_more':
      if (text) {
        keepText(turn, text);
        return step === 'story' ? advance(deps, turn, step) : ask(deps, turn, step);
      }
      if (hadAttachments) return ask(deps, turn, 'story_more');
      return ask(deps, turn, step);
    case 'media':
      // "Không có ạ": nothing to send, the next question (never "we received it").
      if (text && !hadAttachments && nothingToSend(text)) return advance(deps, turn, step);
      if (text) keepText(turn, text);
      if (hadAttachments || text) return void turn.replies.push(turn.r.question(turn.t('bot.q.media_more'), [], { done: true, skippable: false }));
      return ask(deps, turn, step);
    case 'contact_details':
      return answerContactDetails(deps, turn, text);
    default:
      return ask(deps, turn, step);
  }
}

/**
 * A phone number (checked: a Vietnamese number) or an e-mail address. Whatever else the message
 * says is kept in the report; a wrong number is asked again; words without a number are kept.
 */
async function answerContactDetails(deps: EngineDeps, turn: Turn, text: string | undefined) {
  if (!text || turn.textKept) return ask(deps, turn, 'contact_details');
  const read = readContactDetails(text);
  if (read.kind === 'bad_phone') {
    keepText(turn, text);
    turn.replies.push(turn.r.text(turn.t('bot.phone_invalid')));
    return ask(deps, turn, 'contact_details');
  }
  if (read.kind === 'none') {
    keepText(turn, text);
    turn.replies.push(turn.r.text(turn.t('bot.kept')));
    return ask(deps, turn, 'contact_details');
  }
  turn.conv.draft.contactDetails = read.value;
  if (read.rest) keepText(turn, text);
  return advance(deps, turn, 'contact_details');
}

/**
 * The value a message gives a choice question: the option chosen (pressed, or typed as its number,
 * its words or a synonym — see `readTyped`), else at the age question a typed age or school grade
 * (`readAge`): a message that says more than the age is kept whole. An option of another question
 * (an older message) is no answer.
 */
function choiceOf(turn: Turn, step: StepId, text: string | undefined, choice: Choice | null): string | null {
  if (choice?.type === 'answer' && choice.question === step) return choice.value;
  if (choice || !text || step !== 'age') return null;
  const age = readAge(text);
  if (age?.more) keepAlso(turn, text);
  return age?.band ?? null;
}

/**
 * A typed province or commune with a number in it that the area list does not know ("12 tuổi,
 * bố em hay đánh em") is the child's words, not a place: it is kept, and the question asked again.
 */
function isStoryNotPlace(deps: EngineDeps, turn: Turn, step: 'province' | 'commune', text: string | undefined, choice: Choice | null) {
  if (choice || !text || !/\d/.test(text)) return false;
  return !(step === 'province' ? deps.areas.matchProvince(text) : deps.areas.matchCommune(turn.conv.draft.province ?? null, text));
}

/** Asks the next question the answers so far call for, or ends the flow when none is left. */
async function advance(deps: EngineDeps, turn: Turn, current: StepId | null) {
  ageFromWords(turn.conv.draft);
  const next = nextStep(turn.conv.draft, current);
  if (!next) return finish(deps, turn);
  turn.conv.step = next;
  ask(deps, turn, next);
}
