import type { RiskSignal } from '../../cases/cases.service.js';
import type { Attachment } from '../../models/index.js';
import type { OutboundMessage, OutboundOption } from '../channels/channel.js';
import { normalizeText } from '../risk/risk-detector.js';
import { encodeChoice, option, type Choice } from './choices.js';
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
  since: Date;
}

const CALL_113 = new Set([
  'danger_now.violence_now', 'danger_now.weapon', 'danger_now.threat_to_kill', 'danger_now.locked_in', 'danger_now.followed',
  'danger_now.hiding_in_fear', 'trafficking.being_taken',
]);
const CALL_115 = new Set(['self_harm.in_progress']);

/** The number a child in danger should call first, from the rules that fired. */
export function callFor(signal: RiskSignal): CrisisState['call'] {
  const rules = signal.rules ?? [];
  if (rules.some((r) => CALL_115.has(r))) return '115';
  const violenceNow = signal.reasons.some((r) => r === 'violence' || r === 'sexual_abuse');
  if (rules.some((r) => CALL_113.has(r)) || violenceNow) return '113';
  return '111';
}

/** Starts crisis mode on the urgent case and says so, instead of the menu or the next question. */
export function enterCrisis(turn: Turn, signal: RiskSignal, caseId: string) {
  const onlySelfHarm = signal.reasons.includes('self_harm') && !signal.reasons.some((r) => ['violence', 'sexual_abuse', 'trafficking'].includes(r));
  const crisis: CrisisState = { caseId, call: callFor(signal), kind: onlySelfHarm ? 'self_harm' : 'harm', since: new Date() };
  turn.conv.crisis = crisis;
  turn.replies.push(turn.r.text(turn.t(`crisis.start_${crisis.kind}`)), callMessage(turn, crisis));
}

/** The options crisis mode offers now (a typed "1" is read against them: on Zalo, numbers are how a child chooses). */
export function crisisOptions(turn: Turn): OutboundOption[] {
  return turn.conv.crisis ? (callMessage(turn, turn.conv.crisis).options ?? []).flat() : [];
}

function callMessage(turn: Turn, crisis: CrisisState): OutboundMessage {
  const provinceHotline = turn.r.provinceHotlineLine();
  return {
    text: turn.t(`crisis.call_${crisis.call}`, { provinceLine: provinceHotline }),
    options: [[option({ type: 'command', command: 'emergency' }, turn.t(`crisis.button_${crisis.call}`))], [option({ type: 'command', command: 'safe' }, turn.t('crisis.button_safe'), '1')]],
  };
}

const SAFE_WORDS = [
  'em an toan roi', 'an toan roi', 'em da an toan', 'em da an toan roi', 'em on roi', 'con an toan roi', 'minh an toan roi',
  'em khong sao roi', 'em da o cho an toan', 'chau an toan roi', 'chau da an toan', 'chau da an toan roi', 'con toi an toan roi',
  'be an toan roi', 'chau khong sao roi', 'my child is safe', 'the child is safe', 'shes safe now', 'hes safe now', 'im safe', 'im safe now', 'i am safe', 'i am safe now', 'im ok now', 'safe now', 'im okay now',
];

/** True when the child says they are safe now, or chose "I am safe" (pressed, or typed its number). */
export function saysSafe(text: string | undefined, payload: string | undefined, choice?: Choice | null): boolean {
  if (payload === encodeChoice({ type: 'command', command: 'safe' })) return true;
  if (choice?.type === 'command' && choice.command === 'safe') return true;
  return !!text && SAFE_WORDS.includes(normalizeText(text).replace(/^(?:da |vang |ok |okay |yes )/, ''));
}

/**
 * A message while in crisis mode. Returns false when crisis mode has ended (the child is safe,
 * a counsellor answered, or the child asked for the menu): the message is then handled as usual.
 */
export async function onCrisisMessage(
  deps: EngineDeps,
  turn: Turn,
  msg: { text: string | undefined; payload: string | undefined; choice: Choice | null; attachments: Attachment[]; intent: GlobalIntent | null; risk: RiskSignal | null },
): Promise<boolean> {
  const crisis = turn.conv.crisis!;
  const found = await deps.cases.findById(crisis.caseId);
  const answered = found?.firstResponseAt && found.firstResponseAt >= new Date(crisis.since);
  const leaving = msg.intent === 'menu' || msg.intent === 'start' || msg.intent === 'restart' || msg.intent === 'forget';
  if (!found || answered || leaving) {
    turn.conv.crisis = null;
    return false;
  }
  if (msg.text || msg.attachments.length) {
    await deps.cases.addCrisisMessage(crisis.caseId, { text: msg.text ?? '', attachments: msg.attachments });
    turn.textKept = true;
  }
  if (msg.risk) await deps.cases.raiseRisk(crisis.caseId, msg.risk);
  if (saysSafe(msg.text, msg.payload, msg.choice)) {
    turn.conv.crisis = null;
    turn.replies.push(turn.r.text(turn.t('crisis.safe')));
    reask(deps, turn);
    return true;
  }
  turn.replies.push(turn.r.text(turn.t('crisis.still_here')), callMessage(turn, crisis));
  return true;
}
