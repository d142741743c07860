import type { TFunction } from 'i18next';
import type { Logger } from '../../app/logger.js';
import type { AreaDirectory } from '../../cases/area-directory.js';
import type { CaseService } from '../../cases/cases.service.js';
import { tr, type Lang } from '../../locales/i18n.js';
import type { Contact, Conversation } from '../../models/index.js';
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

/** One message being handled: the state it works on and the replies it gathers. */
export interface Turn {
  contact: Contact;
  conv: Conversation & { draft: Draft & { savedStory?: number; savedAttachments?: number } };
  lang: Lang;
  t: TFunction;
  r: Replies;
  replies: OutboundMessage[];
  /** True once this message's text has been kept (in the draft, a case, or held). */
  textKept: boolean;
  forget: boolean;
}

export function newTurn(deps: EngineDeps, contact: Contact, conv: Turn['conv']): Turn {
  const lang = contact.lang;
  const t = tr(lang);
  return { contact, conv, lang, t, r: new Replies(t, deps.settings().provinceHotline), replies: [], textKept: false, forget: false };
}

/** Switches the turn, and the contact, to another language from this reply on. */
export function setLang(deps: EngineDeps, turn: Turn, lang: Lang) {
  turn.lang = lang;
  turn.contact.lang = lang;
  turn.t = tr(lang);
  turn.r = new Replies(turn.t, deps.settings().provinceHotline);
}

/** True while the child is answering a flow's questions. */
export function inFlow(turn: Turn) {
  return isStep(turn.conv.step);
}
