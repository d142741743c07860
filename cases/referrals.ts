import type { z } from 'zod';
import { AppError } from '../app/errors.js';
import { ReferralModel, type Case, type Message, type Referral } from '../models/index.js';
import type { Store } from '../store/index.js';
import { moveStatus, statusOnWork } from './case-workflow.js';
import type { ReferralSchema } from './case-work.schemas.js';
import type { CaseService } from './cases.service.js';
import type { ChildReplies } from './child-reply.js';
import type { WorkSettings } from './work-settings.js';

const DAY_MS = 24 * 60 * 60_000;

/**
 * Referrals of a case to the police, social work, a school, health services, or an agency.
 * An opinion forwarded to an agency is due back within the configured days (Children's Forum
 * practice, Law on Children Art. 77: collect, forward, follow up and report); the agency's
 * answer is recorded and can be sent to the child like a counsellor's reply.
 */
export class CaseReferrals {
  constructor(
    private readonly store: Store,
    private readonly cases: CaseService,
    private readonly replies: ChildReplies,
  ) {}

  private get referrals() {
    return this.store.collection(ReferralModel);
  }

  forCase(caseId: string): Promise<Referral[]> {
    return this.referrals.find({ caseId }, { sort: { sentAt: 1, createdAt: 1 } });
  }

  findById(referralId: string): Promise<Referral | null> {
    return this.referrals.findOne({ _id: referralId });
  }

  /** Records a referral and moves an open case to `referred`. */
  async add(staffId: string, c: Case, input: z.infer<typeof ReferralSchema>, settings: WorkSettings): Promise<Referral> {
    const sentAt = input.sentAt ?? new Date();
    const dueAt = input.dueAt ?? (input.to === 'agency' ? new Date(sentAt.getTime() + settings.sla.forwardedOpinionDays * DAY_MS) : null);
    const referral = await this.referrals.insertOne({
      caseId: c._id,
      to: input.to,
      agencyName: input.agencyName ?? null,
      sentAt,
      dueAt,
      note: input.note || null,
      staffId,
      // An agency answer that is due climbs the escalation ladder (scheduler/ladder.ts).
      nextReminderAt: dueAt && input.to === 'agency' ? new Date() : null,
    });
    await this.cases.record('staff', staffId, 'case.referred', c._id, {
      referralId: referral._id,
      to: referral.to,
      agencyName: referral.agencyName,
      dueAt: referral.dueAt,
    });
    const to = statusOnWork(c.status, 'refer');
    if (to) await moveStatus({ store: this.store, cases: this.cases }, staffId, c, to, 'referral');
    return referral;
  }

  /**
   * Records the agency's answer; with `sendToChild`, also sends it to the child once (a second
   * send of the same referral is refused, so a form submitted twice does not repeat it).
   */
  async answer(
    staffId: string,
    c: Case,
    referral: Referral,
    input: { answer: string; sendToChild?: boolean | undefined },
  ): Promise<{ referral: Referral; message: Message | null }> {
    if (input.sendToChild && referral.answerSentToChildAt) throw new AppError('referral_answer_already_sent', 409);
    const now = new Date();
    const updated = await this.referrals.findOneAndUpdate(
      { _id: referral._id, ...(input.sendToChild ? { answerSentToChildAt: null } : {}) },
      { $set: { answer: input.answer, answeredAt: now, ...(input.sendToChild ? { answerSentToChildAt: now } : {}) } },
    );
    if (!updated) throw new AppError('referral_answer_already_sent', 409);
    await this.cases.record('staff', staffId, 'referral.answered', c._id, { referralId: referral._id, sentToChild: Boolean(input.sendToChild) });
    const message = input.sendToChild ? await this.replies.send(staffId, c, input.answer, 'referral_answer') : null;
    return { referral: updated, message };
  }
}
