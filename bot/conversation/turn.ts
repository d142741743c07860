import type { TFunction } from 'i18next';
import type { Logger } from '../../app/logger.js';
import type { AreaDirectory } from '../../cases/area-directory.js';
import type { CaseService } from '../../cases/cases.service.js';
import { tr, type Lang } from '../../locales/i18n.js';
import type { Channel, Contact, Conversation } from '../../models/index.js';
import type { Store } from '../../store/index.js';
import type { OutboundMessage } from '../channels/channel.js';
import { isStep, type Draft } from './questions.js';
import { Replies } from './replies.js';

/** Settings the conversation reads at each message (they may change while running). */
export interface EngineSettings {
  provinceHotline?: string | undefined;
  provinceName?: string | undefined;
  /** Where a child can reach the web chat, given when a platform withholds their messages. */
  webChatUrl: string;
  /**
   * The chat channels this service runs (those with a sender registered), named where the bot
   * says where a code can be typed. None given: the web chat only.
   */
  channels?: readonly Channel[] | undefined;
}

/** What the conversation works with; every part of it takes these along with the turn. */
export interface EngineDeps {
  store: Store;
  cases: CaseService;
  areas: AreaDirectory;
  logger: Logger;
  settings: () => EngineSettings;
  /**
   * Erases what is kept of a chat outside the conversation: by its channel (e.g. the web chat's
   * transcript) and the outbox's delivered messages. Given by the composition root (`Outbox.forgetChat`).
   */
  forgetChat: (contact: Pick<Contact, 'channel' | 'pseudonym'>) => Promise<void>;
}

/**
 * Whom the bot is talking to: a child (the default), or an adult — a parent, relative, teacher
 * or other adult writing about a child (bot/conversation/voice.ts).
 */
export type Voice = 'child' | 'adult';

/** One message being handled: the state it works on and the replies it gathers. */
export interface Turn {
  contact: Contact;
  conv: Conversation & { draft: Draft & { savedStory?: number; savedAttachments?: number } };
  lang: Lang;
  voice: Voice;
  /** Translates in the turn's language and voice: for an adult, `key_adult` when there is one. */
  t: TFunction;
  r: Replies;
  replies: OutboundMessage[];
  /** True when this is the contact's first message (the conversation was at its start). */
  first?: boolean;
  /** True once this message's text has been kept (in the draft, a case, or held). */
  textKept: boolean;
  /** True once this message has been answered as a risk (the honest words and the numbers). */
  riskAnswered?: boolean;
  forget: boolean;
}

/**
 * The translate function of a language in a voice. For an adult every key is looked up with
 * the i18next context `adult` (`bot.q.danger` → `bot.q.danger_adult`), falling back to the
 * key itself where a line reads the same for both.
 */
export function voicedT(lang: Lang, voice: Voice): TFunction {
  const base = tr(lang);
  if (voice === 'child') return base;
  const adult = (key: string | string[], options?: Record<string, unknown>) => base(key, { context: 'adult', ...options });
  return adult as TFunction;
}

export function newTurn(deps: EngineDeps, contact: Contact, conv: Turn['conv']): Turn {
  const lang = contact.lang;
  const voice: Voice = conv.writer?.voice === 'adult' ? 'adult' : 'child';
  const t = voicedT(lang, voice);
  return { contact, conv, lang, voice, t, r: new Replies(t, deps.settings().provinceHotline), replies: [], textKept: false, forget: false };
}

/** Switches the turn, and the contact, to another language from this reply on. */
export function setLang(deps: EngineDeps, turn: Turn, lang: Lang) {
  turn.lang = lang;
  turn.contact.lang = lang;
  reword(deps, turn);
}

/** Speaks to the writer in this voice from this reply on (the conversation keeps it). */
export function setVoice(deps: EngineDeps, turn: Turn, voice: Voice) {
  turn.voice = voice;
  reword(deps, turn);
}

function reword(deps: EngineDeps, turn: Turn) {
  turn.t = voicedT(turn.lang, turn.voice);
  turn.r = new Replies(turn.t, deps.settings().provinceHotline);
}

/** True while the child is answering a flow's questions. */
export function inFlow(turn: Turn) {
  return isStep(turn.conv.step);
}
