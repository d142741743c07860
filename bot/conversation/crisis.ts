import type { RiskSignal } from '../../cases/cases.service.js';
import type { Attachment, Case } from '../../models/index.js';
import type { OutboundMessage, OutboundOption } from '../channels/channel.js';
import { encodeChoice, option } from './choices.js';
import { dialledNumber, readCrisisAnswer, type CrisisAnswer } from './crisis-input.js';
import { codeText, crisisStartText, firstLineKey, howToCallText, namedSituation, situationOf, type CrisisOpening } from './crisis-words.js';
import type { GlobalIntent } from './intents.js';
import { reask } from './prompts.js';
import type { EngineDeps, Turn } from './turn.js';

/**
 * Crisis mode (issue 7): after a message of danger happening now, the bot stays with the child.
 * No menu and no questions: short messages, one call option (the right number first), and
 * every further message goes to the urgent case as an update for staff — until the child says
 * they are safe, or a counsellor answers. The state lives in the stored conversation.
 */
export interface CrisisState {
  caseId: string;
  /** The number to call first: 113 police (violence happening), 115 ambulance (injury, overdose), 111. */
  call: '113' | '115' | '111';
  /** Suicidal thoughts are answered with other words than abuse. */
  kind: 'self_harm' | 'harm';
  /** The situation whose first line the child last read (absent in crisis modes begun before it was kept). */
  situation?: string;
  /** True when the bot's last crisis message asked "Em đã ở chỗ an toàn chưa?" (a bare "rồi" answers it). */
  askedSafe?: boolean;
  since: Date;
}

const CALL_113 = new Set([
  'danger_now.violence_now', 'danger_now.weapon', 'danger_now.threat_to_kill', 'danger_now.locked_in', 'danger_now.followed',
  'danger_now.hiding_in_fear', 'trafficking.being_taken',
]);
/** An injury (bleeding, a broken bone, out cold) or an overdose: the ambulance first, even while violence goes on. */
const CALL_115 = new Set(['self_harm.in_progress', 'danger_now.injured', 'violence.injured']);
const CALL_RANK: Record<CrisisState['call'], number> = { '111': 0, '113': 1, '115': 2 };

/** What a case has recorded so far, with this message's signal: the number and first line fit the whole story. */
export function caseSignal(signal: RiskSignal, c: Pick<Case, 'urgentReasons' | 'riskRules'> | null): RiskSignal {
  if (!c) return signal;
  return { ...signal, reasons: [...new Set([...(c.urgentReasons ?? []), ...signal.reasons])], rules: [...new Set([...(c.riskRules ?? []), ...(signal.rules ?? [])])] };
}

/** The number a child in danger should call first, from the rules that fired. */
export function callFor(signal: RiskSignal): CrisisState['call'] {
  const rules = signal.rules ?? [];
  if (rules.some((r) => CALL_115.has(r))) return '115';
  const violenceNow = signal.reasons.some((r) => r === 'violence' || r === 'sexual_abuse');
  if (rules.some((r) => CALL_113.has(r)) || violenceNow) return '113';
  return '111';
}

/**
 * Starts crisis mode on the urgent case and says so, instead of the menu or the next question:
 * the first thing to do in this situation (crisis-words.ts), then the number to call.
 */
export function enterCrisis(turn: Turn, signal: RiskSignal, caseId: string, opening: CrisisOpening) {
  const onlySelfHarm = signal.reasons.includes('self_harm') && !signal.reasons.some((r) => ['violence', 'sexual_abuse', 'trafficking'].includes(r));
  const situation = onlySelfHarm ? 'self_harm' : situationOf(signal);
  const crisis: CrisisState = { caseId, call: callFor(signal), kind: onlySelfHarm ? 'self_harm' : 'harm', situation, since: new Date() };
  turn.conv.crisis = crisis;
  const selfHarmToo = !onlySelfHarm && signal.reasons.includes('self_harm') ? [turn.r.text(turn.t('risk_fixes.self_harm_too'))] : [];
  turn.replies.push(turn.r.text(crisisStartText(turn, situation, opening)), ...selfHarmToo, callMessage(turn, crisis));
}

/**
 * Crisis mode hears more ("em đang chảy máu", "em trốn trong tủ"): the first thing to do in this
 * new situation, with the number that now fits the case's whole story (it only moves up: 111 →
 * 113 → 115, kept in `crisis`), and the self-harm line when such words come. Null when there is no new line to say.
 */
function crisisUpdate(turn: Turn, crisis: CrisisState, risk: RiskSignal, raised: Case | null): string | null {
  const call = callFor(caseSignal(risk, raised));
  const found = namedSituation(risk);
  const situation = found && found !== crisis.situation ? found : null;
  const moved = CALL_RANK[call] > CALL_RANK[crisis.call];
  const selfHarm = risk.reasons.includes('self_harm') && crisis.kind !== 'self_harm';
  if (moved) crisis.call = call;
  if (situation) crisis.situation = situation;
  const lines = [situation ? turn.t(firstLineKey(situation)) : null, selfHarm ? turn.t('risk_fixes.self_harm_too') : null].filter(Boolean);
  return lines.length ? lines.join('\n\n') : null;
}

/** The options crisis mode offers now (a typed "1" is read against them: on Zalo, numbers are how a child chooses). */
export function crisisOptions(turn: Turn): OutboundOption[] {
  return turn.conv.crisis ? (callMessage(turn, turn.conv.crisis).options ?? []).flat() : [];
}

/**
 * The number to call, in the text (a platform shows a number in text as something to tap), and
 * the options: the call option keyed by its number ("113. ☎️ Gọi 113" where options are typed),
 * which answers with how to call; and "I am safe", which has no number: a digit typed on Zalo
 * may be the answer to an earlier screen ("1. Có, đang nguy hiểm") or the start of 111, so it is
 * typed as words there (`– ✅ Em đã an toàn (nhắn "an toàn")`), and pressed elsewhere.
 */
function callMessage(turn: Turn, crisis: CrisisState): OutboundMessage {
  const provinceHotline = turn.r.provinceHotlineLine();
  const safe = { ...option({ type: 'command', command: 'safe' }, turn.t('crisis.button_safe')), typed: turn.t('crisis_input.safe_typed') };
  return {
    text: turn.t(`crisis.call_${crisis.call}`, { provinceLine: provinceHotline }),
    options: [[option({ type: 'command', command: 'emergency' }, turn.t(`crisis.button_${crisis.call}`), crisis.call)], [safe]],
  };
}

/** The number the child asked to call: one typed, else crisis mode's own (the call option, "sos"). */
function numberAskedFor(text: string | undefined, crisis: CrisisState): string {
  return dialledNumber(text) ?? crisis.call;
}

/**
 * Ends crisis mode when a counsellor has answered since it began (or its case is gone), before
 * the message is read: the counsellor's answer is what the child has in front of them now, so a
 * typed "1" no longer means crisis mode's "I am safe". True when it ended so.
 */
export async function endAnsweredCrisis(deps: EngineDeps, turn: Turn): Promise<boolean> {
  const crisis = turn.conv.crisis;
  if (!crisis) return false;
  const found = await deps.cases.findById(crisis.caseId);
  if (found && !(found.firstResponseAt && found.firstResponseAt >= new Date(crisis.since))) return false;
  turn.conv.crisis = null;
  return true;
}

/**
 * True when the child says they are safe now: "I am safe" pressed (its option id), or clear words
 * ("em an toàn rồi", "rồi", "I'm safe"; `crisis-input.ts`). Never a typed digit, nor a typed
 * option read loosely: ending crisis mode needs the child to say it.
 */
export function saysSafe(text: string | undefined, payload: string | undefined, askedSafe = false): boolean {
  if (payload !== undefined) return payload === encodeChoice({ type: 'command', command: 'safe' });
  return readCrisisAnswer(text, askedSafe) === 'safe';
}

/**
 * A message while in crisis mode. Returns false when crisis mode has ended (its case is gone, or
 * the child asked for the menu; a counsellor's answer ended it before, `endAnsweredCrisis`): the
 * message is then handled as usual.
 */
export async function onCrisisMessage(
  deps: EngineDeps,
  turn: Turn,
  msg: { text: string | undefined; payload: string | undefined; attachments: Attachment[]; intent: GlobalIntent | null; risk: RiskSignal | null },
): Promise<boolean> {
  const crisis = turn.conv.crisis!;
  const found = await deps.cases.findById(crisis.caseId);
  if (!found) {
    turn.conv.crisis = null;
    return false;
  }
  const leaving = msg.intent === 'menu' || msg.intent === 'start' || msg.intent === 'restart' || msg.intent === 'forget';
  if (leaving) {
    // Leaving crisis mode another way than "I am safe": the child still leaves with the case code.
    turn.conv.crisis = null;
    turn.replies.push(turn.r.text(codeText(turn, found.code)));
    return false;
  }
  if (msg.text || msg.attachments.length) {
    await deps.cases.addCrisisMessage(crisis.caseId, { text: msg.text ?? '', attachments: msg.attachments, channel: turn.contact.channel });
    turn.textKept = true;
  }
  const raised = msg.risk ? await deps.cases.raiseRisk(crisis.caseId, msg.risk) : null;
  // A bare "rồi" is "I am safe" only as the answer to the question asked just before; each answer asks anew.
  const askedSafe = crisis.askedSafe === true;
  crisis.askedSafe = false;
  if (saysSafe(msg.text, msg.payload, askedSafe)) {
    turn.conv.crisis = null;
    // Staff read in the trail that the child said so, and how (a press leaves no words in the case).
    await deps.cases.record('child', null, 'case.crisis_safe', crisis.caseId, { via: msg.payload === undefined ? 'words' : 'option' });
    // The code is how the child comes back to read the answer, on every channel.
    turn.replies.push(turn.r.text(safeText(turn, found.code)));
    reask(deps, turn);
    return true;
  }
  // The call option (pressed or typed), "111", "gọi 113": no platform dials from a chat, so how to call.
  if (msg.intent === 'emergency' || dialledNumber(msg.text)) {
    turn.replies.push(turn.r.text(howToCallText(turn, numberAskedFor(msg.text, crisis))), callMessage(turn, crisis));
    return true;
  }
  // More told ("em đang chảy máu", "em trốn trong tủ"): its first line, the number moved to fit.
  const update = msg.risk ? crisisUpdate(turn, crisis, msg.risk, raised) : null;
  const answer = msg.payload === undefined ? readCrisisAnswer(msg.text, askedSafe) : null;
  const said = update ?? (await answerText(deps, turn, answer, crisis));
  crisis.askedSafe = said === turn.t('crisis.still_here');
  turn.replies.push(turn.r.text(said), callMessage(turn, crisis));
  return true;
}

/**
 * What crisis mode says to a message that does not end it: the next step for "chưa" (not safe
 * yet), a way to get help for a child who cannot call, the number to dial for a bare digit
 * (never "I am safe"), else the question again.
 */
async function answerText(deps: EngineDeps, turn: Turn, answer: CrisisAnswer | null, crisis: CrisisState): Promise<string> {
  if (answer === 'not_yet') return turn.t('crisis_input.not_yet');
  if (answer === 'digits') return turn.t('crisis_input.digits', { number: crisis.call });
  if (answer !== 'cannot_call') return turn.t('crisis.still_here');
  // "Passed to the counsellors" only when an alert channel reaches someone now (honest words).
  const alerted = (await deps.cases.staffReach()).length > 0;
  return `${turn.t('crisis_input.cannot_call')}\n${turn.t(alerted ? 'crisis_input.passed_on_alerted' : 'crisis_input.passed_on')}`;
}

/**
 * "I am safe" pressed on crisis mode's message after crisis mode ended (a counsellor answered):
 * the same glad word and the case code, then what the child was at — never small talk.
 */
export async function onSafeAfterCrisis(deps: EngineDeps, turn: Turn) {
  const id = turn.conv.caseId ?? turn.contact.openCaseId;
  const open = id ? await deps.cases.findById(id) : null;
  turn.replies.push(turn.r.text(safeText(turn, open?.code ?? null)));
  reask(deps, turn);
}

/** The glad word when the child is safe, with the case code to come back with (when there is a case). */
function safeText(turn: Turn, code: string | null): string {
  return code ? `${turn.t('crisis.safe')}\n\n${codeText(turn, code)}` : turn.t('crisis.safe');
}
