import { looksLikeCaseCode } from '../../cases/case-code.js';
import type { CaseKind } from '../../models/index.js';
import { normalizeText } from '../risk/risk-detector.js';
import { showCase } from './case-lookup.js';
import { onIntent } from './commands.js';
import { startFlow } from './flow-steps.js';
import { isChatter } from './intents.js';
import { hold, openCaseOf } from './keeping.js';
import { heldPrompt } from './prompts.js';
import type { EngineDeps, Turn } from './turn.js';

const MENU_KINDS: Record<string, CaseKind> = { report: 'report', opinion: 'opinion', advice: 'advice' };
const MENU_NUMBERS: Record<string, string> = { '1': 'report', '2': 'opinion', '3': 'advice', '4': 'emergency', '5': 'check', '6': 'lang' };
const MENU_WORDS: [RegExp, string][] = [
  [/^(bao cao|to cao|report|bao bao luc)/, 'report'],
  [/^(gop y|y kien|nguyen vong|opinion|share)/, 'opinion'],
  [/^(tu van|can tu van|advice|hoi)/, 'advice'],
];

/** The first message of a conversation: a greeting, and the message held if it says something. */
export function onFirstMessage(turn: Turn, text: string | undefined) {
  turn.conv.step = 'idle';
  if (text && !turn.textKept && !isChatter(text)) {
    turn.replies.push(turn.r.greeting());
    return hold(turn, text);
  }
  if (!turn.replies.length) turn.replies.push(turn.r.greeting());
  turn.replies.push(turn.r.menu());
}

/** While the child's messages are held: a kind starts its flow with them, more text is held too. */
export async function onHeld(deps: EngineDeps, turn: Turn, text: string | undefined, payload: string | undefined) {
  const kind = pickKind(payload?.replace(/^hold:/, 'menu:'), text);
  if (kind) return startFlow(deps, turn, kind);
  if (text && !turn.textKept) return hold(turn, text);
  turn.replies.push(heldPrompt(turn));
}

/** Outside any flow: a menu choice, a case code, more for the open case, or something to hold. */
export async function onIdle(deps: EngineDeps, turn: Turn, text: string | undefined, payload: string | undefined, hadAttachments: boolean) {
  turn.conv.step = 'idle';
  const action = menuActionOf(payload, text);
  if (action) return onMenu(deps, turn, action);
  if (text && looksLikeCaseCode(text)) return showCase(deps, turn, null);
  if (turn.textKept) return;
  const openCase = await openCaseOf(deps, turn.contact);
  if (openCase && (text || hadAttachments)) {
    if (text) await deps.cases.addChildMessage(openCase._id, { text, attachments: [] });
    turn.replies.push(turn.r.menu(turn.t('bot.appended', { code: openCase.code }) + '\n\n' + turn.t('bot.menu_prompt')));
    return;
  }
  if (text && !isChatter(text)) return hold(turn, text);
  if (hadAttachments) {
    turn.conv.step = 'held';
    return void turn.replies.push(heldPrompt(turn));
  }
  turn.replies.push(turn.r.menu(turn.t('bot.chatter')));
}

async function onMenu(deps: EngineDeps, turn: Turn, action: string) {
  const kind = kindOf(action);
  if (kind) return startFlow(deps, turn, kind);
  if (action === 'emergency') return void turn.replies.push(turn.r.emergency(true));
  if (action === 'check') return onIntent(deps, turn, 'check', undefined);
  if (action === 'lang') return onIntent(deps, turn, 'lang', undefined);
  turn.replies.push(turn.r.menu());
}

/** The menu entry a button (`menu:<action>`) or typed text chooses, if any. */
function menuActionOf(payload: string | undefined, text: string | undefined): string | null {
  return payload?.startsWith('menu:') ? payload.slice(5) : text ? menuChoiceOf(text) : null;
}

/** Menu choices typed as their number or their words. */
function menuChoiceOf(text: string): string | null {
  const n = normalizeText(text);
  if (Object.hasOwn(MENU_NUMBERS, n)) return MENU_NUMBERS[n]!;
  return MENU_WORDS.find(([re]) => re.test(n))?.[1] ?? null;
}

function pickKind(payload: string | undefined, text: string | undefined): CaseKind | null {
  const action = menuActionOf(payload, text);
  return action ? kindOf(action) : null;
}

/** The kind a menu action starts; own keys only, so a forged payload such as `menu:constructor` is nothing. */
function kindOf(action: string): CaseKind | null {
  return Object.hasOwn(MENU_KINDS, action) ? MENU_KINDS[action]! : null;
}
