import { looksLikeCaseCode } from '../../cases/case-code.js';
import type { CaseKind } from '../../models/index.js';
import type { Choice, MenuItem } from './choices.js';
import { normalizeText } from '../risk/risk-detector.js';
import { showCase } from './case-lookup.js';
import { onIntent } from './commands.js';
import { startFlow } from './flow-steps.js';
import { isChatter } from './intents.js';
import { hold, keepText, openCaseOf } from './keeping.js';
import { saysSomething } from './understand.js';
import { heldPrompt } from './prompts.js';
import type { EngineDeps, Turn } from './turn.js';

const MENU_KINDS: Partial<Record<MenuItem, CaseKind>> = { report: 'report', opinion: 'opinion', advice: 'advice' };
/** "Mình muốn", "em cần", "tôi xin", "I want to", "I'd like": the wish before a kind's words. */
const WISH = '(?:(?:minh|em|toi|con|chau|tao|to|i d|i) )?(?:muon|can|xin|want to|would like to|like to|need) (?:duoc )?';
/** Typed words that choose a menu entry beyond its label (its number and label are matched by `matchTyped`). */
const MENU_WORDS: [RegExp, MenuItem][] = [
  [/^(bao cao|to cao|report|bao bao luc)/, 'report'],
  [/^(gop y|y kien|nguyen vong|opinion|share)/, 'opinion'],
  [/^(tu van|can tu van|advice|hoi)/, 'advice'],
  // "Mình muốn góp ý về…", "em muốn báo chuyện…", "tôi cần tư vấn", "I want to report…": a wish
  // that names a new kind, not more words for the case before (the bare "hỏi"/"bảo" stay words).
  [new RegExp(`^${WISH}(bao cao|to cao|bao bao luc|bao(?= ve | chuyen | viec |$)|report)`), 'report'],
  [new RegExp(`^${WISH}(gop y|y kien|give (?:an |my )?opinion|share (?:an |my )?(?:idea|opinion))`), 'opinion'],
  [new RegExp(`^${WISH}(tu van|advice|get advice)`), 'advice'],
];

/**
 * The first message of a conversation: a greeting, then the flow it names ("ý kiến", "tư vấn
 * giúp em chuyện…"), or the message held if it says something, or the menu.
 */
export async function onFirstMessage(deps: EngineDeps, turn: Turn, text: string | undefined) {
  turn.conv.step = 'idle';
  // Risk words opened a case: the numbers, then the offer to tell more, were the answer.
  if (turn.riskAnswered) return;
  const kind = !turn.textKept ? MENU_KINDS[menuItemOf(null, text) ?? 'lang'] : undefined;
  if (kind) {
    turn.replies.push(turn.r.greeting());
    keepMenuWords(turn, null, text);
    return startFlow(deps, turn, kind);
  }
  if (text && !turn.textKept && !isChatter(text)) {
    turn.replies.push(turn.r.greeting());
    return hold(turn, text);
  }
  if (!turn.replies.length) turn.replies.push(turn.r.greeting());
  turn.replies.push(turn.r.menu());
}

/** While the child's messages are held: a kind starts its flow with them, more text is held too. */
export async function onHeld(deps: EngineDeps, turn: Turn, text: string | undefined, choice: Choice | null) {
  const item = menuItemOf(choice, text);
  const kind = item ? (MENU_KINDS[item] ?? null) : null;
  if (kind) {
    keepMenuWords(turn, choice, text);
    return startFlow(deps, turn, kind);
  }
  if (text && !turn.textKept) return hold(turn, text);
  turn.replies.push(heldPrompt(turn));
}

/** Outside any flow: a menu choice, a case code, more for the open case, or something to hold. */
export async function onIdle(deps: EngineDeps, turn: Turn, text: string | undefined, choice: Choice | null, hadAttachments: boolean) {
  turn.conv.step = 'idle';
  const item = menuItemOf(choice, text);
  if (item && MENU_KINDS[item]) keepMenuWords(turn, choice, text);
  if (item) return onMenu(deps, turn, item);
  if (text && looksLikeCaseCode(text)) return showCase(deps, turn, null);
  if (turn.textKept) return;
  const openCase = await openCaseOf(deps, turn.contact);
  if (openCase && (text || hadAttachments)) {
    if (text) await deps.cases.addChildMessage(openCase._id, { text, attachments: [], channel: turn.contact.channel });
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

async function onMenu(deps: EngineDeps, turn: Turn, item: MenuItem) {
  const kind = MENU_KINDS[item];
  if (kind) return startFlow(deps, turn, kind);
  if (item === 'emergency') return void turn.replies.push(turn.r.emergency(true));
  if (item === 'check' || item === 'lang') return onIntent(deps, turn, item, undefined);
  turn.replies.push(turn.r.menu());
}

/**
 * Typed words that chose a kind and say more ("tư vấn giúp em chuyện bạn trai"): held, so that
 * the flow starts with them as the child's first words.
 */
function keepMenuWords(turn: Turn, choice: Choice | null, text: string | undefined) {
  if (choice || !text || turn.textKept) return;
  const n = normalizeText(text);
  const words = MENU_WORDS.find(([re]) => re.test(n))?.[0].exec(n)?.[0] ?? '';
  if (saysSomething(n.slice(words.length))) keepText(turn, text);
}

/** The menu entry an option chose, or typed words name (when no option was chosen). */
function menuItemOf(choice: Choice | null, text: string | undefined): MenuItem | null {
  if (choice) return choice.type === 'menu' ? choice.item : null;
  const n = text ? normalizeText(text) : '';
  return n ? (MENU_WORDS.find(([re]) => re.test(n))?.[1] ?? null) : null;
}
