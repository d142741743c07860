import type { Lang } from '../../locales/i18n.js';
import type { OutboundMessage, OutboundOption } from '../channels/channel.js';
import { option } from './choices.js';
import { normalizeText } from '../risk/risk-detector.js';
import { dialledNumber } from './crisis-input.js';
import { howToCallText } from './crisis-words.js';
import { askToForget } from './forget.js';
import type { GlobalIntent } from './intents.js';
import { flushToCase } from './keeping.js';
import { reask } from './prompts.js';
import { leaveReply } from './reply-mode.js';
import { setLang, type EngineDeps, type Turn } from './turn.js';
import { forgetWriter, onWhatToDo } from './voice.js';

/** Does what the child asked for, at whatever step they were (see {@link GlobalIntent}). */
export async function onIntent(deps: EngineDeps, turn: Turn, intent: GlobalIntent, text: string | undefined, asked?: Lang) {
  // Help, the language and "what should I do?" keep reply mode; anything else (the menu, 111, …) leaves it.
  if (intent !== 'help' && intent !== 'lang' && intent !== 'steps') leaveReply(turn);
  switch (intent) {
    case 'start':
      await leaveFlow(deps, turn);
      turn.replies.push(turn.r.greeting(), turn.r.menu());
      return;
    case 'menu':
      await leaveFlow(deps, turn);
      turn.replies.push(turn.r.menu());
      return;
    case 'restart':
      await leaveFlow(deps, turn);
      forgetWriter(deps, turn);
      turn.conv.followUp = null;
      turn.replies.push(turn.r.menu(turn.t('bot.restarted') + '\n' + turn.t('bot.menu_prompt')));
      return;
    case 'help':
      turn.replies.push(helpMessage(turn));
      return reask(deps, turn);
    case 'emergency': {
      // A number typed ("113", "gọi 115"): no chat can dial it, so how to call it, then all the numbers.
      // A lone "111" stays the shortcut to all the numbers, as its option `111. 🆘 Gọi 111` promises.
      const number = dialledNumber(text);
      const howTo = number && normalizeText(text!) !== '111' ? [turn.r.text(howToCallText(turn, number))] : [];
      if (!turn.replies.length) turn.replies.push(...howTo, turn.r.emergency());
      return reask(deps, turn);
    }
    case 'lang':
      setLang(deps, turn, asked ?? langNamedIn(text, turn.lang));
      turn.contact.langChosen = true;
      // The greeting again, with what it says about anonymity and 111, in the new language.
      turn.replies.push(turn.r.text(turn.t('bot.lang_switched')), turn.r.greeting());
      return reask(deps, turn);
    case 'forget':
      return askToForget(turn);
    case 'steps':
      return onWhatToDo(deps, turn, text);
    case 'check':
      turn.conv.step = 'check_code';
      turn.replies.push(turn.r.plain(turn.t('bot.check_prompt')));
      return;
  }
}

/** What help offers, in order: each a command, pressed where a channel has buttons, typed where not. */
const HELP_COMMANDS = ['menu', 'emergency', 'steps', 'check', 'restart', 'lang', 'forget'] as const;

/**
 * Help: what the child can do at any time, as options carrying the words that ask for each
 * (`typed`). Each channel shows them its own way, so the text never says "type or press": a
 * button on Telegram and the web chat, a line with what to type on Zalo, where nothing can be
 * pressed (`– ☰ Về menu chính (nhắn "menu")`).
 */
function helpMessage(turn: Turn): OutboundMessage {
  const options = HELP_COMMANDS.map((command) => ({ ...option({ type: 'command', command }, turn.t(`crisis_fixes.help.${command}`)), typed: turn.t(`crisis_fixes.help_typed.${command}`) }));
  const rows: OutboundOption[][] = [];
  for (let i = 0; i < options.length; i += 2) rows.push(options.slice(i, i + 2));
  return { text: turn.t('bot.help'), options: rows };
}

/** The language the text names ("English", "tiếng Việt"), else the one the child is not using. */
function langNamedIn(text: string | undefined, current: Lang): Lang {
  const n = text ? normalizeText(text) : '';
  if (n === 'english' || n === 'tieng anh') return 'en';
  if (n === 'tieng viet' || n === 'vietnamese') return 'vi';
  return current === 'vi' ? 'en' : 'vi';
}

/** Ends a flow early. What the child wrote is never dropped: it stays in the case, or is held. */
async function leaveFlow(deps: EngineDeps, turn: Turn) {
  const { conv, contact } = turn;
  if (conv.caseId) {
    await flushToCase(deps, turn);
    contact.openCaseId = conv.caseId;
    conv.draft = {};
  } else {
    conv.heldText = [...conv.heldText, ...(conv.draft.story ?? [])];
    conv.draft = conv.draft.attachments?.length ? { attachments: conv.draft.attachments } : {};
  }
  conv.step = 'idle';
  conv.caseId = null;
}
