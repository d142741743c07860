import { checkIn, soundsSad } from './check-in.js';
import { findCaseCode, looksLikeCaseCode } from '../../cases/case-code.js';
import { ContactModel, ConversationModel, type Contact } from '../../models/index.js';
import type { InboundMessage, OutboundMessage } from '../channels/channel.js';
import type { Flooded } from '../flood.guard.js';
import { detectRisk } from '../risk/risk-detector.js';
import { showCase } from './case-lookup.js';
import { onIntent } from './commands.js';
import { answerStep } from './flow-steps.js';
import { endChat, onForgetAnswer } from './forget.js';
import { onFirstMessage, onHeld, onIdle } from './idle.js';
import { decodeChoice, FALLBACK_CHOICE, readTyped, type Choice, type TypedReading } from './choices.js';
import { isChatter, isGlobalIntent, looseIntent, typedIntent } from './intents.js';
import { flushToCase, keepAlso, keepAttachments, keepFlooded, keepText } from './keeping.js';
import { ask, offeredOptions, reask } from './prompts.js';
import { isStep, nextStep, type StepId } from './questions.js';
import { dialledNumber } from './crisis-input.js';
import { howToCallText } from './crisis-words.js';
import { crisisOptions, endAnsweredCrisis, onCrisisMessage, onSafeAfterCrisis } from './crisis.js';
import { expireReply, followAnsweredCase, onReply } from './reply-mode.js';
import { raiseRisk, signalOf } from './safety.js';
import { newTurn, type EngineDeps, type Turn } from './turn.js';
import { noticeWriter, whatToDoWithin } from './voice.js';
import { followWrittenLang } from './written-lang.js';
import { greetFirstContact } from './first-greeting.js';

export type { EngineDeps, EngineSettings } from './turn.js';

/** The full answer to an unreadable message is given at most this often per chat. */
const UNREADABLE_ANSWER_EVERY_MS = 60 * 60_000;

/**
 * A case code the child is asking about: a message that is the code, or little more ("mã của
 * em là …"). A code inside a longer message is part of what the child is telling, and is kept.
 */
function codeAskedFor(text: string): string | null {
  const code = findCaseCode(text);
  return code && text.length <= code.length + 24 ? code : null;
}

/** What a turn may change on the contact (written back only when it did). */
type ContactState = Required<Pick<Contact, 'lang' | 'langChosen' | 'wroteVietnamese' | 'openCaseId'>>;
const languageAndCase = (c: Contact): ContactState => ({ lang: c.lang, langChosen: c.langChosen ?? false, wroteVietnamese: c.wroteVietnamese ?? false, openCaseId: c.openCaseId ?? null });

/** A message typed at "type your code" that is a try at one: one word, or starting with HTX. */
const isCodeAttempt = (text: string) => looksLikeCaseCode(text) || !/\s/.test(text.trim());

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

  /**
   * One message, and the replies to it. `flooded` when the contact is past its flood limit: the
   * message is kept without an answer (one "wait a moment" per window) — unless it trips risk
   * detection, asks for the emergency numbers, or comes in crisis mode, which are answered as ever.
   */
  async handle(contact: Contact, msg: InboundMessage, flooded?: Flooded): Promise<OutboundMessage[]> {
    // A read, not an upsert: on most turns the conversation exists, and an upsert is a write.
    const conv = ((await this.conversations.findOne({ contactId: contact._id })) ??
      (await this.conversations.findOneAndUpdate(
        { contactId: contact._id },
        { $setOnInsert: { step: 'start', draft: {}, heldText: [], codeFailures: 0 } },
        { upsert: true },
      ))) as Turn['conv'];
    const contactAsLoaded = languageAndCase(contact);
    // Saved at the retired "still the same as last time?" question: the flow goes on from there.
    if (conv.step === 'same') conv.step = nextStep(conv.draft, conv.draft.kind === 'opinion' ? null : 'about') ?? 'idle';
    const turn = newTurn(this.deps, contact, conv);
    turn.first = conv.step === 'start';
    expireReply(turn);
    await followAnsweredCase(this.deps, turn);
    if (msg.endSession) {
      await endChat(this.deps, turn);
      return [];
    }
    const text = msg.text?.trim() ? msg.text.trim().slice(0, 4000) : undefined;
    // Slash commands ("/help", "/sos") are answered as commands, not read for risk.
    const risk = text && !/^\/(?!sos\b)\w+(@\w+)?$/.test(text) ? signalOf(detectRisk(text)) : null;
    // "Con gái tôi…", "I'm a teacher": an adult is writing, and is spoken to as one from now on.
    noticeWriter(this.deps, turn, text);

    if (contact.blocked) {
      // Blocked means nothing but the emergency numbers — except that danger still reaches staff.
      if (risk) {
        await raiseRisk(this.deps, turn, risk, text);
        await this.save(turn, contactAsLoaded);
      }
      turn.replies.push(turn.r.text(turn.t('bot.blocked')));
      return turn.replies;
    }
    // A counsellor's answer ended crisis mode: its options are no longer what the child has in front of them.
    const crisisAnswered = await endAnsweredCrisis(this.deps, turn);
    const reading = this.readingOf(turn, msg, text, crisisAnswered);
    const early = reading?.choice ?? null;
    const intent = early?.type === 'command' && isGlobalIntent(early.command) ? early.command : null;
    const asksForNumbers = intent === 'emergency' || (early?.type === 'menu' && early.item === 'emergency');
    if (flooded && !risk && !asksForNumbers && !turn.conv.crisis) {
      await keepFlooded(this.deps, turn, text, msg.attachments, flooded);
      return this.saved(turn, contactAsLoaded);
    }
    if (msg.unsupported) {
      await this.onUnreadable(turn);
      return turn.replies;
    }
    // Written in English by a child who chose no language: answered in English from here (written-lang.ts).
    if (intent !== 'lang') followWrittenLang(this.deps, turn, text);
    const crisisMsg = { text, payload: msg.payload, attachments: msg.attachments, intent, risk };
    if (turn.conv.crisis && (await onCrisisMessage(this.deps, turn, crisisMsg))) return this.saved(turn, contactAsLoaded);
    if (risk) await raiseRisk(this.deps, turn, risk, text);
    if (msg.attachments.length) await keepAttachments(this.deps, turn, msg.attachments);
    // Danger now: the bot stays with the child (crisis.ts), no menu and no next question.
    if (turn.conv.crisis) {
      // "Gọi 113" is a cry for help that began crisis mode just now: how to call that number, before the call option.
      const dialled = turn.riskAnswered ? dialledNumber(text) : null;
      if (dialled) turn.replies.splice(-1, 0, turn.r.text(howToCallText(turn, dialled)));
      return this.saved(turn, contactAsLoaded);
    }
    if (!text && msg.attachments.length && msg.attachments.every((a) => a.kind === 'sticker')) {
      // A sticker says something too (it is kept), but it is no evidence: a kind word, and on.
      turn.replies.push(turn.r.text(turn.t('bot.sticker_thanks')));
      reask(this.deps, turn);
      await this.save(turn, contactAsLoaded);
      return turn.replies;
    }

    // Typed words already kept (risk words) choose no menu entry; a command, or the answer to the
    // question the child is at ("12 tuổi, bố em đánh em" at "how old are you?"), still counts.
    const answers = isStep(turn.conv.step) && early !== null && early.type !== 'menu';
    const choice = msg.payload === undefined && turn.textKept && !intent && !answers ? null : early;
    const code = text && !choice ? codeAskedFor(text) : null;
    if (choice && reading?.more && text) keepAlso(turn, text);
    // "help!" answered as a cry for help already (the question, 111, the offer): not the command list
    // too; only the question the child is at again, when the answer ends with nothing to choose.
    if (intent === 'help' && turn.riskAnswered) {
      if (!turn.replies.at(-1)?.options?.length) reask(this.deps, turn);
    } else if (intent) await onIntent(this.deps, turn, intent, text, msg.lang);
    else if (code) await showCase(this.deps, turn, code);
    else if (choice?.type === 'command' && choice.command === 'safe') await onSafeAfterCrisis(this.deps, turn);
    else await this.onStep(turn, text, choice, msg.attachments.length > 0);
    // "…, tôi nên làm gì?" inside a longer message: its words went where they belong; now the first steps.
    if (!intent) whatToDoWithin(turn, text);
    // Sadness said in passing: no alarm, a warm word and 111 (the risk words had their own answer).
    if (!turn.riskAnswered && !intent && soundsSad(text)) checkIn(turn);

    await this.save(turn, contactAsLoaded);
    return turn.replies;
  }

  /**
   * What the child chose: the option pressed (a forged or unreadable one means the menu), else
   * a command typed anywhere ("menu", "/start", "111"), else an option on offer typed as its
   * number, words or a synonym (`readTyped`): only the options the child has in front of them
   * now. At a flow's question the answer may open a longer message ("không, nhưng…"): the
   * reading then says `more`, and the whole message is kept. An option's number counts only where
   * the channel shows it (`numberedOptions`, Zalo); on buttons a typed "3" is no choice.
   */
  private readingOf(turn: Turn, msg: InboundMessage, text: string | undefined, crisisAnswered: boolean): TypedReading | null {
    const payload = msg.payload;
    if (payload !== undefined) return { choice: decodeChoice(payload) ?? FALLBACK_CHOICE, more: false };
    // A command typed loosely ("menuu", "quên em đi") counts outside crisis mode only: a slip never ends it.
    const intent = typedIntent(text) ?? (turn.conv.crisis ? null : looseIntent(text));
    if (intent) return { choice: { type: 'command', command: intent }, more: false };
    if (!text) return null;
    const step = turn.conv.step;
    const question = isStep(step) || step === 'held' || step === 'forget_confirm' || step === 'reply';
    // In crisis mode the options on offer are its own ("1. ✅ Em đã an toàn"), not the step's; just
    // after a counsellor's answer ended it, none (the answer shows no options): a number is words then.
    const offered = turn.conv.crisis ? crisisOptions(turn) : crisisAnswered ? [] : offeredOptions(this.deps, turn);
    const shown = msg.numberedOptions ? offered : offered.map(({ key: _number, ...unnumbered }) => unnumbered);
    return readTyped(text, shown, { prefix: question, clauses: isStep(step), synonyms: step !== 'reply' });
  }

  /**
   * A message the bot cannot read (Zalo withholds children's messages; a shared location): the
   * full answer — here to help, 111 and the other numbers, the web chat — at most once an hour,
   * a short one in between. Never silence.
   */
  private async onUnreadable(turn: Turn) {
    const { webChatUrl, provinceHotline } = this.deps.settings();
    const last = turn.conv.unreadableAnsweredAt ? new Date(turn.conv.unreadableAnsweredAt).getTime() : 0;
    if (Date.now() - last < UNREADABLE_ANSWER_EVERY_MS) {
      turn.replies.push(turn.r.text(turn.t('bot.unsupported_again', { webChatUrl })));
      return;
    }
    const provinceLine = provinceHotline ? turn.t('bot.province_line', { number: provinceHotline }) : '';
    turn.replies.push(turn.r.plain(turn.t('bot.unsupported', { webChatUrl, provinceLine })));
    await this.conversations.findOneAndUpdate({ _id: turn.conv._id }, { $set: { unreadableAnsweredAt: new Date() } });
  }

  /** Hands the message to whatever the conversation is waiting for. */
  private async onStep(turn: Turn, text: string | undefined, choice: Choice | null, hadAttachments: boolean) {
    const step = turn.conv.step;
    if (isStep(step)) {
      const answered = await answerStep(this.deps, turn, step, text, choice, hadAttachments);
      if (!answered) this.notAnAnswer(turn, step, text, hadAttachments);
      return;
    }
    switch (step) {
      case 'start':
        return onFirstMessage(this.deps, turn, text);
      case 'held':
        return onHeld(this.deps, turn, text, choice);
      case 'check_code':
        // Words that are no code ("em quên mã rồi, …") are the child's: kept like any other.
        if (text && !turn.textKept && !isCodeAttempt(text)) return onIdle(this.deps, turn, text, choice, hadAttachments);
        if (text && !turn.textKept) return showCase(this.deps, turn, null);
        return void turn.replies.push(turn.r.plain(turn.t('bot.check_prompt')));
      case 'forget_confirm':
        return onForgetAnswer(this.deps, turn, text, choice);
      case 'reply':
        return onReply(this.deps, turn, text, choice, hadAttachments);
      default:
        return onIdle(this.deps, turn, text, choice, hadAttachments);
    }
  }

  /** A message that does not answer the question: kept when it says something, then asked again. */
  private notAnAnswer(turn: Turn, step: StepId, text: string | undefined, hadAttachments: boolean) {
    if (text && !turn.textKept && !isChatter(text)) {
      keepText(turn, text);
      turn.replies.push(turn.r.text(turn.t('bot.kept')));
    } else if (hadAttachments) {
      turn.replies.push(turn.r.text(turn.t('bot.media_kept')));
    } else if (!turn.textKept) {
      turn.replies.push(turn.r.text(turn.t(step === 'age' ? 'bot.age_not_understood' : 'bot.not_understood')));
    }
    ask(this.deps, turn, step);
  }

  private async saved(turn: Turn, contactAsLoaded: ContactState): Promise<OutboundMessage[]> {
    await this.save(turn, contactAsLoaded);
    return turn.replies;
  }

  private async save(turn: Turn, contactAsLoaded: ContactState) {
    if (turn.forget) return;
    greetFirstContact(turn);
    const { conv, contact } = turn;
    if (conv.caseId) await flushToCase(this.deps, turn);
    await this.conversations.updateOne(
      { _id: conv._id },
      { $set: { step: conv.step, draft: conv.draft, heldText: conv.heldText, caseId: conv.caseId ?? null, codeFailures: conv.codeFailures, codeFailuresSince: conv.codeFailuresSince ?? null, crisis: conv.crisis ?? null, reply: conv.reply ?? null, writer: conv.writer ?? null, followUp: conv.followUp ?? null } },
    );
    const changed = languageAndCase(contact);
    // Most turns change none; writing them anyway was one store write per turn for nothing.
    if ((Object.keys(changed) as (keyof ContactState)[]).some((k) => changed[k] !== contactAsLoaded[k])) {
      await this.contacts.updateOne({ _id: contact._id }, { $set: changed });
    }
  }
}
