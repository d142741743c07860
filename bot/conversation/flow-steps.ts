import type { CaseKind, RiskSeverity } from '../../models/index.js';
import { normalizeText } from '../risk/risk-detector.js';
import { finish, keepText, startDraft } from './keeping.js';
import { readContactDetails } from './contact-details.js';
import { ask, provinceOptions } from './prompts.js';
import { ageBandOf, CHOICES, nextStep, type StepId } from './questions.js';
import { raiseRisk } from './safety.js';
import type { EngineDeps, Turn } from './turn.js';

const SKIP_WORDS = ['bo qua', 'skip', 'xong', 'done', 'khong'];

/** Harm types that are serious whatever the words (issue 7): the case becomes urgent. */
const HARM_SEVERITY: Record<string, RiskSeverity> = { sexual_abuse: 'serious', trafficking: 'serious' };

/** Starts a flow of the given kind with what the child sent before, and asks its first question. */
export async function startFlow(deps: EngineDeps, turn: Turn, kind: CaseKind) {
  startDraft(turn, kind);
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
  payload: string | undefined,
  hadAttachments: boolean,
): Promise<boolean> {
  // Typed "không" answers "are you in danger now?" (no): there it skips nothing.
  const skip = payload === 'cmd:skip' || payload === 'cmd:done' || (text ? SKIP_WORDS.includes(normalizeText(text)) && step !== 'danger' : false);
  if (skip) {
    await advance(deps, turn, step);
    return true;
  }
  if (CHOICES[step]) return answerChoice(deps, turn, step, text, payload);
  if (step === 'province' || step === 'commune') return answerArea(deps, turn, step, text, payload);
  await answerFreely(deps, turn, step, text, hadAttachments);
  return true;
}

async function answerChoice(deps: EngineDeps, turn: Turn, step: StepId, text: string | undefined, payload: string | undefined) {
  const value = choiceOf(turn, step, text, payload);
  if (value === null) return false;
  const draft = turn.conv.draft;
  if (step === 'danger') {
    draft.dangerNow = value === 'yes' ? true : value === 'no' ? false : null;
    if (value === 'yes') await raiseRisk(deps, turn, { severity: 'danger_now', reasons: ['danger_now'], rules: ['answer.danger_now'] }, undefined);
    // "Not in danger now" lowers danger now to serious, never below (the case stays urgent).
    if (value === 'no' && turn.conv.caseId) await deps.cases.lowerDangerNow(turn.conv.caseId);
    // In danger now: crisis mode, no more questions for now; they come back once the child is safe.
    if (turn.conv.crisis) {
      turn.conv.step = nextStep(draft, step) ?? step;
      return true;
    }
  } else {
    (draft as Record<string, unknown>)[CHOICES[step]!.field] = value;
    const harm = step === 'harm' ? HARM_SEVERITY[value] : undefined;
    if (harm) await raiseRisk(deps, turn, { severity: harm, reasons: [value], rules: ['answer.harm_type'] }, undefined);
  }
  await advance(deps, turn, step);
  return true;
}

/** A province or commune: a button, a name the area list knows, or a short name typed as it is. */
async function answerArea(deps: EngineDeps, turn: Turn, step: 'province' | 'commune', text: string | undefined, payload: string | undefined) {
  const picked = pickedArea(deps, step, turn.conv.draft.province, text, payload);
  const typed = !picked && text && !turn.textKept && text.split(/\s+/).length <= 6 ? text : null;
  if (!(picked || typed)) return false;
  turn.conv.draft[step] = picked ?? typed;
  await advance(deps, turn, step);
  return true;
}

function pickedArea(deps: EngineDeps, step: 'province' | 'commune', province: string | null | undefined, text: string | undefined, payload: string | undefined) {
  if (step === 'province') {
    return payload?.startsWith('a:') ? provinceOptions(deps)[Number(payload.slice(2))]?.label : text ? deps.areas.matchProvince(text) : null;
  }
  const list = deps.areas.communes(province ?? '');
  return payload?.startsWith('a:') ? list[Number(payload.slice(2))] : text ? deps.areas.matchCommune(province ?? null, text) : null;
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

/** The choice a message makes: a button, its number, its label (or the start of it), yes/no words. */
function choiceOf(turn: Turn, step: StepId, text: string | undefined, payload: string | undefined): string | null {
  const choice = CHOICES[step]!;
  if (payload?.startsWith('a:')) {
    const v = payload.slice(2);
    return choice.values.includes(v) ? v : null;
  }
  if (!text || turn.textKept) return null;
  if (step === 'age') {
    const band = ageBandOf(text);
    if (band && !/^\d$/.test(text.trim())) return band;
  }
  const n = normalizeText(text);
  const index = /^\d{1,2}$/.test(n) ? Number(n) - 1 : -1;
  if (index >= 0 && index < choice.values.length) return choice.values[index]!;
  if (step === 'age' && ageBandOf(text)) return ageBandOf(text);
  const labels = choice.values.map((v) => normalizeText(turn.t(`${choice.labels}.${v}`)));
  const exact = labels.findIndex((l) => l === n);
  if (exact >= 0) return choice.values[exact]!;
  const partial = n.length >= 2 ? labels.filter((l) => l.startsWith(n)) : [];
  if (partial.length === 1) return choice.values[labels.indexOf(partial[0]!)]!;
  if (step === 'danger' || step === 'contact') {
    if (/^(co|yes|dung|da|vang)\b/.test(n)) return step === 'danger' ? 'yes' : 'phone';
    if (/^(khong|ko|k|no)\b/.test(n)) return step === 'danger' ? 'no' : 'none';
  }
  return null;
}

/** Asks the next question the answers so far call for, or ends the flow when none is left. */
async function advance(deps: EngineDeps, turn: Turn, current: StepId | null) {
  const next = nextStep(turn.conv.draft, current);
  if (!next) return finish(deps, turn);
  turn.conv.step = next;
  ask(deps, turn, next);
}
