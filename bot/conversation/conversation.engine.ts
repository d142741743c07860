import crypto from 'node:crypto';
import type { TFunction } from 'i18next';
import type { Logger } from '../../app/logger.js';
import type { AreaDirectory } from '../../cases/area-directory.js';
import { findCaseCode, looksLikeCaseCode } from '../../cases/case-code.js';
import type { CaseService, IntakeFields } from '../../cases/cases.service.js';
import { tr, type Lang } from '../../locales/i18n.js';
import {
  ContactModel,
  ConversationModel,
  OutboxModel,
  WebTranscriptModel,
  type Attachment,
  type CaseKind,
  type Contact,
  type Conversation,
} from '../../models/index.js';
import type { Store } from '../../store/index.js';
import type { InboundMessage, OutboundMessage, OutboundOption } from '../channels/channel.js';
import { detectRisk, normalizeText } from '../risk/risk-detector.js';
import { globalIntentOf, isChatter, type GlobalIntent } from './intents.js';
import { ageBandOf, CHOICES, isStep, nextStep, type Draft, type StepId } from './questions.js';
import { Replies } from './replies.js';

export interface EngineSettings {
  provinceHotline?: string | undefined;
  provinceName?: string | undefined;
  /** Where a child can reach the web chat, given when a platform withholds their messages. */
  webChatUrl: string;
}

export interface EngineDeps {
  store: Store;
  cases: CaseService;
  areas: AreaDirectory;
  logger: Logger;
  settings: () => EngineSettings;
}

/** Wrong case codes allowed per window before the child is asked to wait. */
const CODE_FAILURE_LIMIT = 5;
const CODE_FAILURE_WINDOW_MS = 15 * 60_000;
const MENU_KINDS: Record<string, CaseKind> = { report: 'report', opinion: 'opinion', advice: 'advice' };
const DRAFT_TO_CASE_SKIP = new Set(['kind', 'story', 'attachments', 'savedStory', 'savedAttachments', 'province', 'commune']);

/** One message being handled: the state it works on and the replies it gathers. */
interface Turn {
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

/**
 * The conversation: a channel-independent state machine per contact, whose state lives in
 * the store. It turns one inbound message into replies, keeping everything the child sends,
 * and hands cases to the case service.
 */
export class ConversationEngine {
  constructor(private readonly deps: EngineDeps) {}

  private get conversations() {
    return this.deps.store.collection(ConversationModel);
  }
  private get contacts() {
    return this.deps.store.collection(ContactModel);
  }

  async handle(contact: Contact, msg: InboundMessage): Promise<OutboundMessage[]> {
    const conv = (await this.conversations.findOneAndUpdate(
      { contactId: contact._id },
      { $setOnInsert: { step: 'start', draft: {}, heldText: [], codeFailures: 0 } },
      { upsert: true },
    )) as Turn['conv'];
    const turn = this.newTurn(contact, conv);
    const text = msg.text?.trim() ? msg.text.trim().slice(0, 4000) : undefined;
    const risk = text ? detectRisk(text) : { urgent: false, categories: [] };

    if (contact.blocked) {
      if (risk.urgent) await this.raiseUrgent(turn, risk.categories, text);
      turn.replies.push(turn.r.text(turn.t('bot.blocked')));
      return turn.replies;
    }
    if (msg.unsupported) {
      turn.replies.push(turn.r.text(turn.t('bot.unsupported', { webChatUrl: this.deps.settings().webChatUrl })));
      return turn.replies;
    }
    if (risk.urgent) await this.raiseUrgent(turn, risk.categories, text);
    if (msg.attachments.length) await this.keepAttachments(turn, msg.attachments);

    const intent = globalIntentOf(text, msg.payload);
    const code = text && !intent ? findCaseCode(text) : null;
    if (intent) await this.onIntent(turn, intent, text, msg.lang);
    else if (code) await this.showCase(turn, code);
    else await this.onStep(turn, text, msg.payload, msg.attachments.length > 0);

    await this.save(turn);
    return turn.replies;
  }

  private newTurn(contact: Contact, conv: Turn['conv']): Turn {
    const lang = contact.lang;
    const t = tr(lang);
    return { contact, conv, lang, t, r: new Replies(t, this.deps.settings().provinceHotline), replies: [], textKept: false, forget: false };
  }

  private setLang(turn: Turn, lang: Lang) {
    turn.lang = lang;
    turn.contact.lang = lang;
    turn.t = tr(lang);
    turn.r = new Replies(turn.t, this.deps.settings().provinceHotline);
  }

  private inFlow(turn: Turn) {
    return isStep(turn.conv.step);
  }

  // ── Safety ────────────────────────────────────────────────────────────────────────────

  /**
   * Risk words or "in danger now": the case becomes urgent (opened now if there is none yet,
   * so staff are alerted at once) and the emergency numbers are shown before anything else.
   */
  private async raiseUrgent(turn: Turn, reasons: string[], text: string | undefined) {
    const { conv, contact } = turn;
    const openCase = !this.inFlow(turn) && contact.openCaseId ? await this.openCaseOf(contact) : null;
    if (conv.caseId) {
      this.keepText(turn, text);
      await this.deps.cases.markUrgent(conv.caseId, reasons);
    } else if (openCase) {
      if (text) await this.deps.cases.addChildMessage(openCase._id, { text, attachments: [] });
      turn.textKept = true;
      await this.deps.cases.markUrgent(openCase._id, reasons);
    } else if (!this.inFlow(turn)) {
      await this.openUrgentCase(turn, reasons, text);
    } else {
      this.keepText(turn, text);
      const created = await this.deps.cases.openCase({
        kind: conv.draft.kind ?? 'report',
        channel: contact.channel,
        contactId: contact._id,
        fields: this.intakeFields(conv.draft),
        urgentReasons: reasons,
        texts: conv.draft.story ?? [],
        attachments: this.draftAttachments(conv.draft),
      });
      conv.caseId = created._id;
      conv.draft.savedStory = conv.draft.story?.length ?? 0;
      conv.draft.savedAttachments = conv.draft.attachments?.length ?? 0;
    }
    turn.replies.push(turn.r.text(turn.t('bot.urgent_detected')), turn.r.emergency());
  }

  /**
   * Outside a flow, the words (with whatever was held) open an urgent case at once, which
   * becomes the child's open case: what they write next is appended to it.
   */
  private async openUrgentCase(turn: Turn, reasons: string[], text: string | undefined) {
    const { conv, contact } = turn;
    this.startDraft(turn, 'report');
    const created = await this.deps.cases.openCase({
      kind: 'report',
      channel: contact.channel,
      contactId: contact._id,
      fields: {},
      urgentReasons: reasons,
      texts: [...(conv.draft.story ?? []), ...(text ? [text] : [])],
      attachments: this.draftAttachments(conv.draft),
    });
    turn.textKept = true;
    contact.openCaseId = created._id;
    conv.draft = {};
    if (conv.step === 'held') conv.step = 'idle';
  }

  // ── Global intents ────────────────────────────────────────────────────────────────────

  private async onIntent(turn: Turn, intent: GlobalIntent, text: string | undefined, asked?: Lang) {
    switch (intent) {
      case 'start':
        await this.leaveFlow(turn);
        turn.replies.push(turn.r.greeting(), turn.r.menu());
        return;
      case 'menu':
        await this.leaveFlow(turn);
        turn.replies.push(turn.r.menu());
        return;
      case 'restart':
        await this.leaveFlow(turn);
        turn.replies.push(turn.r.menu(turn.t('bot.restarted') + '\n' + turn.t('bot.menu_prompt')));
        return;
      case 'help':
        turn.replies.push(turn.r.text(turn.t('bot.help')));
        return this.reask(turn);
      case 'emergency':
        if (!turn.replies.length) turn.replies.push(turn.r.emergency());
        return this.reask(turn);
      case 'lang': {
        const n = text ? normalizeText(text) : '';
        const target: Lang = asked ?? (n === 'english' || n === 'tieng anh' ? 'en' : n === 'tieng viet' || n === 'vietnamese' ? 'vi' : turn.lang === 'vi' ? 'en' : 'vi');
        this.setLang(turn, target);
        turn.replies.push(turn.r.text(turn.t('bot.lang_switched')));
        return this.reask(turn);
      }
      case 'forget':
        turn.conv.step = 'forget_confirm';
        turn.replies.push(
          turn.r.question(turn.t('bot.forget_confirm'), [
            { id: 'forget:yes', label: turn.t('bot.button.yes_forget') },
            { id: 'forget:no', label: turn.t('bot.button.no_keep') },
          ], { skippable: false }),
        );
        return;
      case 'check':
        turn.conv.step = 'check_code';
        turn.replies.push(turn.r.plain(turn.t('bot.check_prompt')));
        return;
    }
  }

  /** Ends a flow early. What the child wrote is never dropped: it stays in the case, or is held. */
  private async leaveFlow(turn: Turn) {
    const { conv, contact } = turn;
    if (conv.caseId) {
      await this.flushToCase(turn);
      contact.openCaseId = conv.caseId;
      conv.draft = {};
    } else {
      conv.heldText = [...conv.heldText, ...(conv.draft.story ?? [])];
      conv.draft = conv.draft.attachments?.length ? { attachments: conv.draft.attachments } : {};
    }
    conv.step = 'idle';
    conv.caseId = null;
  }

  /** Shows again what the child was being asked, or the menu. */
  private async reask(turn: Turn) {
    const step = turn.conv.step;
    if (isStep(step)) return this.ask(turn, step);
    if (step === 'check_code') return void turn.replies.push(turn.r.plain(turn.t('bot.check_prompt')));
    if (step === 'held') return void turn.replies.push(this.heldPrompt(turn));
    if (step === 'start') turn.conv.step = 'idle';
    turn.replies.push(turn.r.menu());
  }

  // ── Case codes ────────────────────────────────────────────────────────────────────────

  private async showCase(turn: Turn, code: string | null) {
    const { conv, t } = turn;
    const now = Date.now();
    if (conv.codeFailuresSince && now - new Date(conv.codeFailuresSince).getTime() > CODE_FAILURE_WINDOW_MS) {
      conv.codeFailures = 0;
      conv.codeFailuresSince = null;
    }
    if (conv.codeFailures >= CODE_FAILURE_LIMIT) {
      turn.replies.push(turn.r.plain(t('bot.check_rate_limited')));
      return;
    }
    const found = code ? await this.deps.cases.findForChild(code) : null;
    if (!found) {
      conv.codeFailures += 1;
      conv.codeFailuresSince ??= new Date(now);
      turn.replies.push(turn.r.plain(t('bot.check_not_found')));
      return;
    }
    conv.codeFailures = 0;
    conv.codeFailuresSince = null;
    const lines = [t('bot.check_status', { code: found.case.code, status: t(`bot.status.${found.case.status}`) })];
    turn.replies.push(turn.r.text(lines.join('\n')));
    if (found.answers.length === 0) turn.replies.push(turn.r.text(t('bot.check_no_answers')));
    for (const answer of found.answers.slice(-5)) {
      const date = new Intl.DateTimeFormat(turn.lang === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Asia/Ho_Chi_Minh' }).format(answer.createdAt);
      turn.replies.push(turn.r.text(t('bot.check_answer', { date, text: answer.text })));
    }
    if (conv.step === 'check_code') conv.step = 'idle';
    await this.reask(turn);
  }

  // ── Steps ─────────────────────────────────────────────────────────────────────────────

  private async onStep(turn: Turn, text: string | undefined, payload: string | undefined, hadAttachments: boolean) {
    const step = turn.conv.step;
    if (isStep(step)) return this.onFlowStep(turn, step, text, payload, hadAttachments);
    switch (step) {
      case 'start':
        turn.conv.step = 'idle';
        if (text && !turn.textKept && !isChatter(text)) {
          turn.replies.push(turn.r.greeting());
          return this.hold(turn, text);
        }
        if (!turn.replies.length) turn.replies.push(turn.r.greeting());
        turn.replies.push(turn.r.menu());
        return;
      case 'held': {
        const kind = this.pickKind(payload?.replace(/^hold:/, 'menu:'), text);
        if (kind) return this.startFlow(turn, kind);
        if (text && !turn.textKept) return this.hold(turn, text);
        return void turn.replies.push(this.heldPrompt(turn));
      }
      case 'check_code':
        if (text && !turn.textKept) return this.showCase(turn, null);
        return void turn.replies.push(turn.r.plain(turn.t('bot.check_prompt')));
      case 'forget_confirm': {
        const yes = payload === 'forget:yes' || (text && ['co', 'yes', 'dong y', 'xoa', 'co xoa di'].includes(normalizeText(text)));
        if (yes) return this.forget(turn);
        turn.conv.step = 'idle';
        turn.replies.push(turn.r.menu(turn.t('bot.forget_cancelled') + '\n' + turn.t('bot.menu_prompt')));
        return;
      }
      default:
        return this.onIdle(turn, text, payload, hadAttachments);
    }
  }

  private async onIdle(turn: Turn, text: string | undefined, payload: string | undefined, hadAttachments: boolean) {
    turn.conv.step = 'idle';
    const action = payload?.startsWith('menu:') ? payload.slice(5) : text ? this.menuChoiceOf(text) : null;
    if (action) return this.onMenu(turn, action);
    if (text && looksLikeCaseCode(text)) return this.showCase(turn, null);
    if (turn.textKept) return;
    const openCase = await this.openCaseOf(turn.contact);
    if (openCase && (text || hadAttachments)) {
      if (text) await this.deps.cases.addChildMessage(openCase._id, { text, attachments: [] });
      turn.replies.push(turn.r.menu(turn.t('bot.appended', { code: openCase.code }) + '\n\n' + turn.t('bot.menu_prompt')));
      return;
    }
    if (text && !isChatter(text)) return this.hold(turn, text);
    if (hadAttachments) {
      turn.conv.step = 'held';
      return void turn.replies.push(this.heldPrompt(turn));
    }
    turn.replies.push(turn.r.menu(turn.t('bot.chatter')));
  }

  private async onMenu(turn: Turn, action: string) {
    const kind = MENU_KINDS[action];
    if (kind) return this.startFlow(turn, kind);
    if (action === 'emergency') return void turn.replies.push(turn.r.emergency(true));
    if (action === 'check') return this.onIntent(turn, 'check', undefined);
    if (action === 'lang') return this.onIntent(turn, 'lang', undefined);
    turn.replies.push(turn.r.menu());
  }

  /** Menu choices typed as their number or their words. */
  private menuChoiceOf(text: string): string | null {
    const n = normalizeText(text);
    const byNumber: Record<string, string> = { '1': 'report', '2': 'opinion', '3': 'advice', '4': 'emergency', '5': 'check', '6': 'lang' };
    if (byNumber[n]) return byNumber[n]!;
    const words: [RegExp, string][] = [
      [/^(bao cao|to cao|report|bao bao luc)/, 'report'],
      [/^(gop y|y kien|nguyen vong|opinion|share)/, 'opinion'],
      [/^(tu van|can tu van|advice|hoi)/, 'advice'],
    ];
    return words.find(([re]) => re.test(n))?.[1] ?? null;
  }

  private pickKind(payload: string | undefined, text: string | undefined): CaseKind | null {
    const action = payload?.startsWith('menu:') ? payload.slice(5) : text ? this.menuChoiceOf(text) : null;
    return action ? (MENU_KINDS[action] ?? null) : null;
  }

  private hold(turn: Turn, text: string) {
    turn.conv.heldText = [...turn.conv.heldText, text];
    turn.conv.step = 'held';
    turn.textKept = true;
    turn.replies.push(this.heldPrompt(turn));
  }

  private heldPrompt(turn: Turn): OutboundMessage {
    const k = (id: string) => ({ id: `hold:${id}`, label: turn.t(`bot.menu.${id}`) });
    return turn.r.question(turn.t('bot.held_prompt'), [k('report'), k('opinion'), k('advice')], { skippable: false });
  }

  /** Starts a flow's draft from whatever the child wrote or sent before choosing it. */
  private startDraft(turn: Turn, kind: CaseKind) {
    const heldFiles = turn.conv.draft.kind ? [] : (turn.conv.draft.attachments ?? []);
    turn.conv.draft = { kind, story: [...turn.conv.heldText], attachments: [...heldFiles] };
    turn.conv.heldText = [];
    turn.conv.caseId = null;
  }

  private async startFlow(turn: Turn, kind: CaseKind) {
    this.startDraft(turn, kind);
    await this.advance(turn, null);
  }

  private async onFlowStep(turn: Turn, step: StepId, text: string | undefined, payload: string | undefined, hadAttachments: boolean) {
    const { conv, t } = turn;
    const draft = conv.draft;
    const skip = payload === 'cmd:skip' || payload === 'cmd:done' || (text ? ['bo qua', 'skip', 'xong', 'done', 'khong'].includes(normalizeText(text)) && step !== 'danger' : false);
    if (skip) return this.advance(turn, step);

    const choice = CHOICES[step];
    if (choice) {
      const value = this.choiceOf(turn, step, text, payload);
      if (value !== null) {
        if (step === 'danger') {
          draft.dangerNow = value === 'yes' ? true : value === 'no' ? false : null;
          if (value === 'yes') await this.raiseUrgent(turn, ['danger_now'], undefined);
        } else {
          (draft as Record<string, unknown>)[choice.field] = value;
        }
        return this.advance(turn, step);
      }
      return this.notAnAnswer(turn, step, text, hadAttachments);
    }
    switch (step) {
      case 'province': {
        const picked = payload?.startsWith('a:') ? this.provinceOptions(turn)[Number(payload.slice(2))]?.label : text ? this.deps.areas.matchProvince(text) : null;
        const typed = !picked && text && !turn.textKept && text.split(/\s+/).length <= 6 ? text : null;
        if (picked || typed) {
          draft.province = picked ?? typed;
          return this.advance(turn, step);
        }
        return this.notAnAnswer(turn, step, text, hadAttachments);
      }
      case 'commune': {
        const list = this.deps.areas.communes(draft.province ?? '');
        const picked = payload?.startsWith('a:') ? list[Number(payload.slice(2))] : text ? this.deps.areas.matchCommune(draft.province ?? null, text) : null;
        const typed = !picked && text && !turn.textKept && text.split(/\s+/).length <= 6 ? text : null;
        if (picked || typed) {
          draft.commune = picked ?? typed;
          return this.advance(turn, step);
        }
        return this.notAnAnswer(turn, step, text, hadAttachments);
      }
      case 'story':
      case 'story_more':
        if (text) {
          this.keepText(turn, text);
          return step === 'story' ? this.advance(turn, step) : this.ask(turn, step);
        }
        if (hadAttachments) return this.ask(turn, 'story_more');
        return this.ask(turn, step);
      case 'media':
        if (text) this.keepText(turn, text);
        if (hadAttachments || text) return void turn.replies.push(turn.r.question(t('bot.q.media_more'), [], { done: true, skippable: false }));
        return this.ask(turn, step);
      case 'contact_details':
        if (text && !turn.textKept) {
          draft.contactDetails = text.slice(0, 200);
          return this.advance(turn, step);
        }
        return this.ask(turn, step);
      default:
        return this.ask(turn, step);
    }
  }

  /** A message that does not answer the question: kept when it says something, then asked again. */
  private async notAnAnswer(turn: Turn, step: StepId, text: string | undefined, hadAttachments: boolean) {
    if (text && !turn.textKept && !isChatter(text)) {
      this.keepText(turn, text);
      turn.replies.push(turn.r.text(turn.t('bot.kept')));
    } else if (hadAttachments) {
      turn.replies.push(turn.r.text(turn.t('bot.media_kept')));
    } else if (!turn.textKept) {
      turn.replies.push(turn.r.text(turn.t(step === 'age' ? 'bot.age_not_understood' : 'bot.not_understood')));
    }
    return this.ask(turn, step);
  }

  private choiceOf(turn: Turn, step: StepId, text: string | undefined, payload: string | undefined): string | null {
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

  private async advance(turn: Turn, current: StepId | null) {
    const next = nextStep(turn.conv.draft, current);
    if (!next) return this.finish(turn);
    turn.conv.step = next;
    await this.ask(turn, next);
  }

  private provinceOptions(turn: Turn): OutboundOption[] {
    return this.deps.areas.provinceNames(this.deps.settings().provinceName).map((name, i) => ({ id: `a:${i}`, label: name }));
  }

  private async ask(turn: Turn, step: StepId) {
    const { t, r, conv } = turn;
    const draft = conv.draft;
    const whose = draft.about === 'other_child' ? 'other' : 'self';
    const choice = CHOICES[step];
    if (choice) {
      const key = step === 'age' || step === 'gender' ? `bot.q.${step}_${whose}` : `bot.q.${step}`;
      const options = choice.values.map((v) => ({ id: `a:${v}`, label: t(`${choice.labels}.${v}`) }));
      return void turn.replies.push(r.question(t(key), options));
    }
    switch (step) {
      case 'province':
        return void turn.replies.push(r.question(t('bot.q.province'), this.provinceOptions(turn)));
      case 'commune': {
        const list = this.deps.areas.communes(draft.province ?? '');
        const options = list.map((name, i) => ({ id: `a:${i}`, label: name }));
        return void turn.replies.push(r.question(t(list.length ? 'bot.q.commune_choose' : 'bot.q.commune'), options));
      }
      case 'story':
        return void turn.replies.push(r.question(t(`bot.q.story_${draft.kind ?? 'report'}`), []));
      case 'story_more':
        return void turn.replies.push(r.question(t('bot.q.story_more'), [], { done: true, skippable: false }));
      case 'media':
        return void turn.replies.push(r.question(t('bot.q.media'), [], { done: true }));
      case 'contact_details':
        return void turn.replies.push(r.question(t('bot.q.contact_details'), []));
      default:
        return void turn.replies.push(r.menu());
    }
  }

  // ── Keeping what the child sends ──────────────────────────────────────────────────────

  /** Keeps text in the current flow's draft (and so in its case), or holds it when idle. */
  private keepText(turn: Turn, text: string | undefined) {
    if (!text || turn.textKept) return;
    turn.textKept = true;
    if (this.inFlow(turn) || turn.conv.caseId) {
      turn.conv.draft.story = [...(turn.conv.draft.story ?? []), text];
    } else {
      turn.conv.heldText = [...turn.conv.heldText, text];
    }
  }

  private async keepAttachments(turn: Turn, attachments: Attachment[]) {
    const { conv } = turn;
    if (this.inFlow(turn) || conv.caseId) {
      conv.draft.attachments = [...(conv.draft.attachments ?? []), ...attachments];
      return;
    }
    const openCase = await this.openCaseOf(turn.contact);
    if (openCase) {
      await this.deps.cases.addChildMessage(openCase._id, { text: '', attachments });
      return;
    }
    // No flow and no case yet: hold the files with any held text until the child says what it is.
    conv.draft = { attachments: [...(conv.draft.attachments ?? []), ...attachments] };
  }

  private draftAttachments(draft: Draft): Attachment[] {
    return (draft.attachments ?? []) as Attachment[];
  }

  private intakeFields(draft: Draft): IntakeFields {
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(draft)) if (!DRAFT_TO_CASE_SKIP.has(k) && v !== undefined) fields[k] = v;
    if (draft.province !== undefined || draft.commune !== undefined) fields.area = { province: draft.province ?? null, commune: draft.commune ?? null };
    if (draft.kind === 'report' && draft.about === 'self') fields.reporterRole ??= 'child';
    return fields as IntakeFields;
  }

  /** Sends the case everything the draft holds that the case does not have yet. */
  private async flushToCase(turn: Turn) {
    const { conv } = turn;
    if (!conv.caseId) return;
    const draft = conv.draft;
    const story = draft.story ?? [];
    const files = this.draftAttachments(draft);
    for (const text of story.slice(draft.savedStory ?? 0)) await this.deps.cases.addChildMessage(conv.caseId, { text, attachments: [] });
    const newFiles = files.slice(draft.savedAttachments ?? 0);
    if (newFiles.length) await this.deps.cases.addChildMessage(conv.caseId, { text: '', attachments: newFiles });
    draft.savedStory = story.length;
    draft.savedAttachments = files.length;
    await this.deps.cases.updateIntake(conv.caseId, this.intakeFields(draft));
  }

  private async finish(turn: Turn) {
    const { conv, contact, t } = turn;
    const draft = conv.draft;
    let caseCode: string;
    let urgent: boolean;
    if (conv.caseId) {
      await this.flushToCase(turn);
      const c = await this.deps.cases.findById(conv.caseId);
      caseCode = c!.code;
      urgent = c!.priority === 'urgent';
      contact.openCaseId = conv.caseId;
    } else {
      const created = await this.deps.cases.openCase({
        kind: draft.kind ?? 'report',
        channel: contact.channel,
        contactId: contact._id,
        fields: this.intakeFields(draft),
        urgentReasons: [],
        texts: draft.story ?? [],
        attachments: this.draftAttachments(draft),
      });
      caseCode = created.code;
      urgent = created.priority === 'urgent';
      contact.openCaseId = created._id;
    }
    const next = t(`bot.receipt_next.${urgent ? 'urgent' : (draft.kind ?? 'report')}`);
    turn.replies.push(turn.r.text(t('bot.receipt', { code: caseCode, next })));
    if (draft.contactWish === 'none') turn.replies.push(turn.r.text(t('bot.receipt_no_reply')));
    turn.replies.push(turn.r.menu());
    conv.step = 'idle';
    conv.draft = {};
    conv.caseId = null;
  }

  private async openCaseOf(contact: Contact) {
    if (!contact.openCaseId) return null;
    // A resolved or closed case is still the child's: writing to it opens it again.
    return this.deps.cases.findById(contact.openCaseId);
  }

  // ── Forget me ─────────────────────────────────────────────────────────────────────────

  private async forget(turn: Turn) {
    const { contact } = turn;
    if (contact.channel === 'web') await this.deps.store.collection(WebTranscriptModel).deleteMany({ sessionKey: contact.pseudonym });
    // Messages already delivered to this chat would still tie it to its case codes.
    await this.deps.store.collection(OutboxModel).deleteMany({ recipientKey: `${contact.channel}:${contact.pseudonym}`, status: { $in: ['sent', 'undelivered'] } });
    await this.conversations.deleteMany({ contactId: contact._id });
    await this.contacts.findOneAndUpdate(
      { _id: contact._id },
      { $set: { pseudonym: `forgotten:${crypto.randomBytes(16).toString('base64url')}`, addressEnc: null, forgottenAt: new Date(), openCaseId: null } },
    );
    turn.forget = true;
    turn.replies.push(turn.r.text(turn.t('bot.forgotten')));
    this.deps.logger.info({ contactId: contact._id }, 'contact forgotten at their request');
  }

  private async save(turn: Turn) {
    if (turn.forget) return;
    const { conv, contact } = turn;
    if (conv.caseId) await this.flushToCase(turn);
    await this.conversations.findOneAndUpdate(
      { _id: conv._id },
      { $set: { step: conv.step, draft: conv.draft, heldText: conv.heldText, caseId: conv.caseId ?? null, codeFailures: conv.codeFailures, codeFailuresSince: conv.codeFailuresSince ?? null } },
    );
    await this.contacts.findOneAndUpdate({ _id: contact._id }, { $set: { lang: contact.lang, openCaseId: contact.openCaseId ?? null } });
  }
}
