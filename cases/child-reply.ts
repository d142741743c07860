import type { Logger } from '../app/logger.js';
import { tr, type Lang } from '../locales/i18n.js';
import { CaseModel, ContactModel, MessageModel, type Case, type Message } from '../models/index.js';
import type { Outbox } from '../outbox/outbox.service.js';
import { recipientKey } from '../outbox/recipient-key.js';
import type { Store } from '../store/index.js';
import { moveStatus, statusOnWork } from './case-workflow.js';
import type { CaseService } from './cases.service.js';

/** Why a reply could not leave: the child asked to be forgotten, so only the case code reaches it. */
export const CONTACT_FORGOTTEN = 'contact_forgotten';
/** Why a reply could not leave: the contact is blocked, and gets nothing but the emergency numbers. */
export const CONTACT_BLOCKED = 'contact_blocked';

/** True when an adult wrote the case (a parent, a teacher, another adult), not a child. */
const writtenByAdult = (c: Pick<Case, 'reporterRole'>) => !!c.reporterRole && c.reporterRole !== 'child';

/**
 * The counsellor's words as the child reads them, with how to answer (just by writing) and 111. An adult
 * who wrote about a child (a parent, a teacher) is spoken to as one (`_adult`).
 */
function answerText(lang: Lang, c: Case, text: string): string {
  const t = tr(lang);
  const voice = writtenByAdult(c) ? { context: 'adult' } : {};
  // Every path offers 111, on every channel: the number is in the text, where the apps make it tappable.
  return `${t('bot.counsellor_reply', { code: c.code, text, ...voice })}\n\n${t('followup.reply_hint', { code: c.code, ...voice })}\n${t('convo_fixes.call_111', voice)}`;
}

/**
 * Sends a counsellor's words to the child: stored as a counsellor message (the child can also
 * read it with the case code) and queued in the outbox on the channel the child used. The
 * outbox reports delivery back onto the message (CaseService listens to it).
 */
export class ChildReplies {
  constructor(
    private readonly store: Store,
    private readonly outbox: Outbox,
    private readonly cases: CaseService,
    private readonly logger: Logger,
  ) {}

  /** `origin` says what the words are (a reply, an agency's answer) for the audit log. */
  async send(staffId: string, c: Case, text: string, origin: 'reply' | 'referral_answer'): Promise<Message> {
    const contact = await this.store.collection(ContactModel).findOne({ _id: c.contactId });
    // A blocked contact gets nothing but the emergency numbers; the code still shows the reply.
    const addressEnc = contact && !contact.blocked ? (contact.addressEnc ?? null) : null;
    const messages = this.store.collection(MessageModel);
    let message = await messages.insertOne({
      caseId: c._id,
      author: 'counsellor',
      staffId,
      text,
      // The channel it goes out on (its name is shown to staff), none when it cannot be sent.
      channel: contact && addressEnc ? contact.channel : null,
      delivery: addressEnc ? 'pending' : 'undelivered',
      deliveryError: addressEnc ? null : contact?.blocked ? CONTACT_BLOCKED : CONTACT_FORGOTTEN,
    });
    if (contact && addressEnc) {
      const [item] = await this.outbox.enqueue([
        {
          channel: contact.channel,
          addressEnc,
          // The same key the bot's own answers use, so the child gets everything in order.
          recipientKey: recipientKey(contact),
          // An adult who wrote about a child (a parent, a teacher) is spoken to as one (`_adult`).
          message: { text: answerText(contact.lang, c, text) },
          messageId: message._id,
          dedupeKey: `reply:${message._id}`,
        },
      ]);
      // The case being talked about: the child's next free words answer it (not an older or newer case).
      await this.store.collection(ContactModel).findOneAndUpdate({ _id: contact._id }, { $set: { openCaseId: c._id } });
      // Only the link: the delivery job may already have written the outcome.
      if (item) message = (await messages.findOneAndUpdate({ _id: message._id }, { $set: { outboxId: item._id } })) ?? message;
    }
    await this.markAnswered(staffId, c);
    await this.cases.record('staff', staffId, 'case.replied', c._id, {
      messageId: message._id,
      origin,
      channel: c.channel,
      delivery: message.delivery,
    });
    this.logger.info({ caseCode: c.code, origin, queued: Boolean(addressEnc) }, 'counsellor message to the child');
    return message;
  }

  private async markAnswered(staffId: string, c: Case) {
    await this.store.collection(CaseModel).findOneAndUpdate({ _id: c._id, firstResponseAt: null }, { $set: { firstResponseAt: new Date(), answerDueAt: null } });
    // The child's later messages are answered too: the case no longer waits for staff.
    await this.store.collection(CaseModel).findOneAndUpdate({ _id: c._id, childWaitingSince: { $ne: null } }, { $set: { childWaitingSince: null, replyDueAt: null, answerDueAt: null } });
    const to = statusOnWork(c.status, 'reply');
    if (to) await moveStatus({ store: this.store, cases: this.cases }, staffId, c, to, 'reply');
  }
}
