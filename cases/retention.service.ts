import type { Logger } from '../app/logger.js';
import {
  CaseModel,
  ContactModel,
  ConversationModel,
  EvidenceBlobModel,
  EvidenceChunkModel,
  InboundUpdateModel,
  MessageModel,
  OutboxModel,
  ReferralModel,
  WebTranscriptModel,
} from '../models/index.js';
import { recipientKey } from '../outbox/recipient-key.js';
import type { Store } from '../store/index.js';
import type { CaseService } from './cases.service.js';
import { OPEN_STATUSES } from './case-workflow.js';

const DAY_MS = 24 * 60 * 60_000;
/** Cases erased per batch: a long backlog is worked through in steps, each one complete. */
const BATCH = 200;

/** How long things are kept, in days. */
export interface RetentionPolicy {
  /** Words and files of a case, after it was closed (RETENTION_DAYS, or the admins' setting). */
  closedCaseDays: number;
  /** Delivered inbound updates and evidence never attached to a case (RETENTION_SHORT_DAYS). */
  shortDays: number;
}

/** How many of each thing one run erased: counts only, never what. */
export interface ErasureCounts {
  cases: number;
  messages: number;
  referralTexts: number;
  contactDetails: number;
  evidenceFiles: number;
  transcriptEntries: number;
  heldTexts: number;
  inboundUpdates: number;
  abandonedEvidence: number;
  /** Outbox copies of what was sent to a child (a counsellor's reply, the bot's answers), emptied. */
  outboxTexts: number;
}

/** What an outbox copy becomes once erased: nothing of what was said. */
const ERASED_PAYLOAD = { text: '' };
/** Outbox items that are done: sent, or given up. */
const SETTLED = ['sent', 'undelivered'];
/** Outbox items to a child, not staff alerts (keyed `staff:<channel>` by recipientKey; they hold a case code, never words). */
const TO_A_CHILD = { $regex: '^(?!staff:)' };

/**
 * Retention: what a child wrote is kept only as long as it is needed. Cases closed longer than
 * the policy lose their words (messages, notes, the agency's answer, contact details), their
 * evidence files, the web chat transcript and held text of their contact; the case itself keeps
 * the fields every report counts (kind, topic, harm type, area, age band, dates…), so figures do
 * not change. The outbox copies of what the case's chat was sent go with them. Delivered inbound
 * updates, files never attached to a case and sent copies of messages to children go after a few days.
 * Each run is audited with counts, never content. Part of the case service.
 */
export class RetentionService {
  constructor(
    private readonly store: Store,
    private readonly cases: CaseService,
    private readonly logger: Logger,
  ) {}

  /** Erases what is due at `now`; returns the counts (also written to the audit log when any). */
  async run(policy: RetentionPolicy, now = new Date()): Promise<ErasureCounts> {
    const counts: ErasureCounts = { cases: 0, messages: 0, referralTexts: 0, contactDetails: 0, evidenceFiles: 0, transcriptEntries: 0, heldTexts: 0, inboundUpdates: 0, abandonedEvidence: 0, outboxTexts: 0 };
    const closedBefore = new Date(now.getTime() - policy.closedCaseDays * DAY_MS);
    const shortBefore = new Date(now.getTime() - policy.shortDays * DAY_MS);
    for (let batch = await this.dueCases(closedBefore); batch.length; batch = await this.dueCases(closedBefore)) {
      await this.eraseCases(batch, now, counts);
      await this.eraseContactTraces(batch.map((c) => c.contactId), closedBefore, counts);
    }
    counts.inboundUpdates = await this.store.collection(InboundUpdateModel).deleteMany({ status: 'done', updatedAt: { $lt: shortBefore } });
    counts.abandonedEvidence = await this.deleteEvidence({ caseId: null, createdAt: { $lt: shortBefore } });
    // Sent copies serve no one: the case keeps what staff need. A copy also reaches chats the
    // case does not know (a child reading the answers with the code on another channel).
    counts.outboxTexts += await this.eraseOutbox({ recipientKey: TO_A_CHILD, updatedAt: { $lt: shortBefore } }, { giveUpWaiting: false });
    if (Object.values(counts).some((n) => n > 0)) {
      await this.cases.record('system', null, 'retention.erased', null, { ...counts, closedCaseDays: policy.closedCaseDays, shortDays: policy.shortDays });
      this.logger.info({ ...counts }, 'retention: erased');
    }
    return counts;
  }

  /** Closed cases past the period whose words are not erased yet. */
  private dueCases(closedBefore: Date) {
    return this.store.collection(CaseModel).find({ status: 'closed', closedAt: { $lt: closedBefore }, erasedAt: null }, { limit: BATCH });
  }

  private async eraseCases(batch: { _id: string }[], now: Date, counts: ErasureCounts) {
    const ids = batch.map((c) => c._id);
    const messageIds = (await this.store.collection(MessageModel).find({ caseId: { $in: ids } })).map((m) => m._id);
    counts.outboxTexts += await this.eraseOutbox({ messageId: { $in: messageIds } });
    // A reply given up above will never leave: its case page says so rather than "sending".
    await this.store.collection(MessageModel).updateMany({ caseId: { $in: ids }, delivery: 'pending' }, { $set: { delivery: 'undelivered' } });
    counts.messages += await this.store.collection(MessageModel).updateMany({ caseId: { $in: ids }, erasedAt: null }, { $set: { text: '', attachments: [], deliveryError: null, erasedAt: now } });
    counts.referralTexts += await this.store
      .collection(ReferralModel)
      .updateMany({ caseId: { $in: ids }, $or: [{ answer: { $ne: null } }, { note: { $ne: null } }] }, { $set: { answer: null, note: null } });
    counts.contactDetails += await this.store.collection(CaseModel).updateMany({ _id: { $in: ids }, contactDetailsEnc: { $ne: null } }, { $set: { contactDetailsEnc: null } });
    counts.evidenceFiles += await this.deleteEvidence({ caseId: { $in: ids } });
    counts.cases += await this.store.collection(CaseModel).updateMany({ _id: { $in: ids } }, { $set: { erasedAt: now } });
  }

  /**
   * The web transcript and held text of contacts with no case left open or recently closed: the
   * conversation is over, and what it showed is in the erased case.
   */
  private async eraseContactTraces(contactIds: string[], closedBefore: Date, counts: ErasureCounts) {
    const unique = [...new Set(contactIds)];
    const stillActive = await this.store.collection(CaseModel).find({
      contactId: { $in: unique },
      $or: [{ status: { $in: [...OPEN_STATUSES] } }, { closedAt: { $gte: closedBefore } }, { status: 'resolved' }],
    });
    const done = unique.filter((id) => !stillActive.some((c) => c.contactId === id));
    if (done.length === 0) return;
    const contacts = await this.store.collection(ContactModel).find({ _id: { $in: done } });
    const webKeys = contacts.filter((c) => c.channel === 'web').map((c) => c.pseudonym);
    counts.outboxTexts += await this.eraseOutbox({ recipientKey: { $in: contacts.map((c) => recipientKey(c)) }, createdAt: { $lt: closedBefore } });
    if (webKeys.length) counts.transcriptEntries += await this.store.collection(WebTranscriptModel).deleteMany({ sessionKey: { $in: webKeys }, createdAt: { $lt: closedBefore } });
    counts.heldTexts += await this.store
      .collection(ConversationModel)
      .updateMany({ contactId: { $in: done }, updatedAt: { $lt: closedBefore }, 'heldText.0': { $exists: true } }, { $set: { heldText: [], draft: {} } });
  }

  /**
   * Empties the outbox copies matching `filter` that are sent or given up; returns how many.
   * With `giveUpWaiting`, one still waiting to leave is emptied and given up too (it would be an
   * empty message now); otherwise it is left to be delivered.
   */
  private async eraseOutbox(filter: Record<string, unknown>, options = { giveUpWaiting: true }): Promise<number> {
    const outbox = this.store.collection(OutboxModel);
    const words = { ...filter, 'payload.text': { $ne: '' } };
    const settled = await outbox.updateMany({ ...words, status: { $in: SETTLED } }, { $set: { payload: ERASED_PAYLOAD } });
    if (!options.giveUpWaiting) return settled;
    const waiting = await outbox.updateMany(
      { ...words, status: { $nin: SETTLED } },
      { $set: { payload: ERASED_PAYLOAD, status: 'undelivered', lastError: 'erased_by_retention', lockedUntil: null, claimId: null } },
    );
    return settled + waiting;
  }

  /** Deletes evidence files (their chunks first); returns how many files. */
  private async deleteEvidence(filter: Record<string, unknown>): Promise<number> {
    const blobs = await this.store.collection(EvidenceBlobModel).find(filter);
    if (blobs.length === 0) return 0;
    const ids = blobs.map((b) => b._id);
    await this.store.collection(EvidenceChunkModel).deleteMany({ blobId: { $in: ids } });
    return this.store.collection(EvidenceBlobModel).deleteMany({ _id: { $in: ids } });
  }
}
