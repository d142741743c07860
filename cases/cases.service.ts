import { tr } from '../locales/i18n.js';
import type { DataCipher } from '../app/crypto.js';
import type { Logger } from '../app/logger.js';
import {
  AuditEventModel,
  CaseModel,
  MessageModel,
  type Attachment,
  type Case,
  type CaseArea,
  type CaseKind,
  type Channel,
  type EscalationSettings,
  type Message,
  type OutboxItem,
  type Priority,
  type RiskSeverity,
} from '../models/index.js';
import type { Outbox } from '../outbox/outbox.service.js';
import { recipientKey } from '../outbox/recipient-key.js';
import { firstLook } from '../scheduler/ladder-plan.js';
import { isDuplicateKey, type Store } from '../store/index.js';
import { newCaseCode } from './case-code.js';
import { OPEN_STATUSES, waitingOnMove } from './case-workflow.js';
import { EvidenceService } from './evidence.service.js';
import { harmTypeOf } from './harm-type.js';
import { DEFAULT_SLA, firstResponseDue, type SlaPolicy } from './sla-policy.js';

/** What the guided questions collect; every field may be skipped. */
export interface IntakeFields {
  about?: string | null;
  reporterRole?: string | null;
  ageBand?: string | null;
  gender?: string | null;
  area?: CaseArea;
  topic?: string | null;
  harmType?: string | null;
  adviceArea?: string | null;
  dangerNow?: boolean | null;
  contactWish?: string | null;
  /** Clear text from the person; stored sealed. */
  contactDetails?: string | null;
}

export interface OpenCaseInput {
  kind: CaseKind;
  channel: Channel;
  contactId: string;
  fields: IntakeFields;
  urgentReasons: string[];
  /** The risk found so far (detection or answers); sets the priority when given. */
  severity?: RiskSeverity | null;
  /** The detection rules that fired, for staff. */
  riskRules?: string[];
  /** What the child wrote so far, each kept as a message. */
  texts: string[];
  /** For each text, the question it was written at (a step id), when it was written during the questions. */
  asked?: (string | null | undefined)[];
  attachments: Attachment[];
}

/** What the child sent: words, files, and the question they were written at (a step id), if any. */
export interface ChildMessageInput {
  text: string;
  attachments: Attachment[];
  asked?: string | null | undefined;
  /** The channel it came through (a child may write to a case from another channel by its code); the case's when not given. */
  channel?: Channel | undefined;
}

/** A risk found in what the child wrote or answered: how serious, why, which rules fired. */
export interface RiskSignal {
  severity: RiskSeverity;
  reasons: string[];
  rules?: string[];
}

const PRIORITY_RANK: Record<Priority, number> = { normal: 0, high: 1, urgent: 2 };
const SEVERITY_RANK: Record<RiskSeverity, number> = { concern: 1, serious: 2, danger_now: 3 };

/** Danger now and serious risks make a case urgent; a concern makes it high priority. */
export function priorityOf(severity: RiskSeverity | null | undefined): Priority {
  return !severity ? 'normal' : severity === 'concern' ? 'high' : 'urgent';
}

function higherSeverity(a: RiskSeverity | null | undefined, b: RiskSeverity): RiskSeverity {
  return a && SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

export interface CaseServiceSettings {
  sla: SlaPolicy;
  /** The escalation ladder's timing: a new case's first look is planned as it is opened. */
  escalation?: EscalationSettings;
  /** The staff Telegram group, for crisis updates (urgent alerts go through the notifications). */
  staffAlertTarget?: { channel: Channel; chatId: string } | null;
}

/** Who tells staff about an urgent case (notifications/case-alerts.ts), and whether anyone would hear. */
export interface UrgentAlerts {
  /** `became`: an existing case turned urgent (the alert says so), rather than one arriving urgent. */
  urgentCase(c: Case, became?: boolean): Promise<{ channels: string[] }>;
  reach(): Promise<string[]>;
}


/**
 * The case service: the only code that creates or changes cases and their messages. It keeps
 * the audit log and alerts staff when a case is urgent. The back office adds staff operations
 * on top of the same rules.
 */
export class CaseService {
  /** The photos and voice notes of cases: kept, fetched, tied to their case, read back. */
  readonly evidence: EvidenceService;

  constructor(
    private readonly store: Store,
    private readonly outbox: Outbox,
    private readonly cipher: DataCipher,
    private readonly logger: Logger,
    private readonly settings: () => CaseServiceSettings = () => ({ sla: DEFAULT_SLA }),
    private readonly alerts: UrgentAlerts | null = null,
  ) {
    this.evidence = new EvidenceService(store, cipher, logger);
    outbox.onSettled((item, status, error) => this.recordDelivery(item, status, error));
  }

  private get cases() {
    return this.store.collection(CaseModel);
  }
  private get messages() {
    return this.store.collection(MessageModel);
  }
  private get audit() {
    return this.store.collection(AuditEventModel);
  }

  /** Opens a case from the bot, with everything the child has written so far. */
  async openCase(input: OpenCaseInput): Promise<Case> {
    const now = new Date();
    const severity = input.severity ?? (input.urgentReasons.length > 0 ? 'serious' : null);
    const priority = priorityOf(severity);
    const { sla, escalation } = this.settings();
    const dueAt = firstResponseDue(now, input.kind, priority, sla);
    const created = await this.insertWithFreshCode({
      // The deadline and the ladder count from this instant: the case's own creation time.
      createdAt: now,
      kind: input.kind,
      channel: input.channel,
      contactId: input.contactId,
      priority,
      severity,
      urgentReasons: [...new Set(input.urgentReasons)],
      riskRules: [...new Set(input.riskRules ?? [])],
      ...this.toCaseFields({ ...input.fields, harmType: input.fields.harmType ?? harmTypeOf(input.urgentReasons) }),
      lastChildMessageAt: input.texts.length || input.attachments.length ? now : null,
      firstResponseDueAt: dueAt,
      answerDueAt: dueAt,
      // The escalation ladder's sweep (scheduler/ladder.ts) first looks at it at its first rung.
      nextReminderAt: escalation ? firstLook(now, dueAt, escalation) : now,
    });
    for (const [i, text] of input.texts.entries()) {
      await this.insertChildMessage(created._id, created.channel, { text, attachments: i === 0 ? input.attachments : [], asked: input.asked?.[i] });
    }
    if (input.texts.length === 0 && input.attachments.length > 0) {
      await this.insertChildMessage(created._id, created.channel, { text: '', attachments: input.attachments });
    }
    await this.record('child', null, 'case.created', created._id, { kind: created.kind, priority, channel: created.channel });
    if (priority === 'urgent') await this.alertUrgent(created);
    return created;
  }

  /** Stores what the child sent; the files it carries are tied to the case (or queued to be fetched). */
  private async insertChildMessage(caseId: string, caseChannel: Channel | undefined, input: ChildMessageInput): Promise<Message> {
    const { text, attachments, asked } = input;
    // The files are fetched by the channel they came through, which is the message's own.
    const channel = input.channel ?? caseChannel;
    const message = await this.messages.insertOne({ caseId, author: 'child', text, attachments, asked: asked ?? null, channel: channel ?? null });
    if (attachments.length) await this.evidence.attach(caseId, channel, message);
    return message;
  }

  private async insertWithFreshCode(doc: Partial<Case>): Promise<Case> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.cases.insertOne({ ...doc, code: newCaseCode() });
      } catch (err) {
        if (!isDuplicateKey(err) || attempt >= 5) throw err;
      }
    }
  }

  private toCaseFields(fields: IntakeFields): Partial<Case> {
    const { contactDetails, ...rest } = fields;
    const out: Partial<Case> = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    if (contactDetails) out.contactDetailsEnc = this.cipher.encrypt(contactDetails);
    return out;
  }

  /** Saves answers the child gave after the case was opened. */
  async updateIntake(caseId: string, fields: IntakeFields): Promise<Case | null> {
    const set = this.toCaseFields(fields);
    if (Object.keys(set).length === 0) return this.cases.findOne({ _id: caseId });
    const updated = await this.cases.findOneAndUpdate({ _id: caseId }, { $set: set });
    if (updated) await this.record('child', null, 'case.intake_updated', caseId, { fields: Object.keys(set) });
    return updated;
  }

  /** Makes a case urgent (risk words, "in danger now") and alerts staff the first time. */
  markUrgent(caseId: string, reasons: string[]): Promise<Case | null> {
    return this.raiseRisk(caseId, { severity: 'serious', reasons });
  }

  /**
   * Records a risk on a case: the severity and priority only ever rise here (staff lower them
   * in triage), the reasons and rules add up, the deadline follows, and staff are alerted the
   * first time the case becomes urgent.
   */
  async raiseRisk(caseId: string, signal: RiskSignal): Promise<Case | null> {
    const before = await this.cases.findOne({ _id: caseId });
    if (!before) return null;
    const severity = higherSeverity(before.severity, signal.severity);
    const raised = PRIORITY_RANK[priorityOf(severity)] > PRIORITY_RANK[before.priority];
    const priority = raised ? priorityOf(severity) : before.priority;
    // A case nobody classified yet takes the harm the words point to.
    const harmType = before.harmType ? null : harmTypeOf(signal.reasons);
    const updated = await this.cases.findOneAndUpdate(
      { _id: caseId },
      {
        $set: {
          severity,
          priority,
          ...(raised && !before.firstResponseAt ? this.firstDeadline(before, priority) : {}),
          ...(harmType ? { harmType } : {}),
        },
        $addToSet: { urgentReasons: { $each: signal.reasons }, riskRules: { $each: signal.rules ?? [] } },
      },
    );
    if (updated && raised) {
      await this.record('system', null, priority === 'urgent' ? 'case.marked_urgent' : 'case.risk_raised', caseId, { reasons: signal.reasons, severity });
      if (priority === 'urgent') await this.alertUrgent(updated, true);
    }
    return updated;
  }

  /** A new first-response deadline for a case not answered yet: the ladder plans again at once. */
  private firstDeadline(c: Case, priority: Priority): Partial<Case> {
    const dueAt = firstResponseDue(c.createdAt, c.kind, priority, this.settings().sla);
    return { firstResponseDueAt: dueAt, answerDueAt: dueAt, nextReminderAt: new Date() };
  }

  /**
   * The child answered "not in danger now": danger now becomes serious, never lower — the case
   * stays urgent. Other severities are left as they are.
   */
  async lowerDangerNow(caseId: string): Promise<Case | null> {
    // "In danger now" is no longer a reason either: the case page shows one answer, not two.
    const updated = await this.cases.findOneAndUpdate({ _id: caseId, severity: 'danger_now' }, { $set: { severity: 'serious' }, $pull: { urgentReasons: 'danger_now' } });
    if (updated) await this.record('child', null, 'case.danger_lowered', caseId, { severity: 'serious' });
    return updated;
  }

  /** Appends what the child wrote to their case; a closed or resolved case opens again. */
  async addChildMessage(caseId: string, input: ChildMessageInput): Promise<Message> {
    const current = await this.cases.findOne({ _id: caseId });
    const message = await this.insertChildMessage(caseId, current?.channel, input);
    const reopen = current && !OPEN_STATUSES.includes(current.status);
    const now = new Date();
    await this.cases.findOneAndUpdate(
      { _id: caseId },
      {
        $set: {
          lastChildMessageAt: now,
          ...(reopen ? { status: current.assigneeId ? 'in_progress' : 'new', closedAt: null, erasedAt: null, ...waitingOnMove(current, 'new', now) } : {}),
          ...(current ? this.waitingAgain(current, now) : {}),
        },
      },
    );
    if (reopen) await this.record('child', null, 'case.reopened', caseId, { from: current.status });
    return message;
  }

  /**
   * A child's message after staff answered puts the case back on the escalation ladder: a new
   * deadline (the first-response time of its kind and priority) counted from the first message
   * not yet answered. Before the first answer the first-response deadline runs on unchanged.
   */
  private waitingAgain(c: Case, now: Date): Partial<Case> {
    if (!c.firstResponseAt || c.childWaitingSince) return {};
    const { sla, escalation } = this.settings();
    const replyDueAt = firstResponseDue(now, c.kind, c.priority, sla);
    return { childWaitingSince: now, replyDueAt, answerDueAt: replyDueAt, nextReminderAt: escalation ? firstLook(now, replyDueAt, escalation) : now };
  }

  /**
   * A message the child sent in crisis mode: appended to the urgent case and sent to staff as
   * an alert update (the case code only, never the words).
   */
  async addCrisisMessage(caseId: string, input: ChildMessageInput): Promise<Message> {
    const message = await this.addChildMessage(caseId, input);
    const c = await this.cases.findOne({ _id: caseId });
    await this.record('child', null, 'case.crisis_update', caseId, {});
    const target = this.settings().staffAlertTarget;
    if (c && target) {
      await this.outbox.enqueue([
        {
          channel: target.channel,
          addressEnc: this.cipher.encrypt(target.chatId),
          recipientKey: `staff:${target.channel}`,
          message: { text: tr('vi')('staff.crisis_update', { code: c.code }) },
          dedupeKey: `crisis:${message._id}`,
        },
      ]);
    }
    return message;
  }

  async findById(caseId: string) {
    return this.cases.findOne({ _id: caseId });
  }

  /** True while counsellors are still working on the case (the child's messages go there). */
  isOpen(c: Case) {
    return OPEN_STATUSES.includes(c.status);
  }

  /** What a child may read with their code: the status and the counsellors' answers, no notes. */
  async findForChild(code: string): Promise<{ case: Case; answers: Message[] } | null> {
    const found = await this.cases.findOne({ code });
    if (!found) return null;
    const answers = await this.messages.find({ caseId: found._id, author: 'counsellor' }, { sort: { seq: 1 } });
    await this.record('child', null, 'case.checked_by_code', found._id, {});
    return { case: found, answers };
  }

  private async recordDelivery(item: OutboxItem, status: 'sent' | 'undelivered', error: string | null) {
    if (!item.messageId) return;
    await this.messages.findOneAndUpdate({ _id: item.messageId }, { $set: { delivery: status, deliveryError: error } });
  }

  /**
   * Alerts staff of an urgent case at once (the province's coordinators and the admins: back
   * office, staff Telegram group, e-mail). The audit event names the channels that reach
   * someone now, or none.
   */
  private async alertUrgent(c: Case, became = false) {
    let channels: string[] = [];
    try {
      channels = this.alerts ? (await this.alerts.urgentCase(c, became)).channels : [];
    } catch (err) {
      this.logger.error({ err, caseCode: c.code }, 'urgent case: the staff alert failed');
    }
    if (!this.alerts) this.logger.warn({ caseCode: c.code, kind: c.kind, channels }, 'urgent case: NO alert channel is set up');
    await this.record('system', null, 'case.urgent_alert', c._id, { reasons: c.urgentReasons, channels });
  }

  /**
   * The channels through which an urgent alert reaches a person now (empty: nobody will hear
   * of it soon, and the child is told to call 111/113 rather than wait).
   */
  async staffReach(): Promise<string[]> {
    try {
      return this.alerts ? await this.alerts.reach() : [];
    } catch (err) {
      this.logger.error({ err }, 'could not tell whether staff can be reached');
      return [];
    }
  }

  /** Writes one audit event. Details carry field names and values, never message text. */
  async record(actorType: 'staff' | 'system' | 'child', actorId: string | null, action: string, caseId: string | null, details: Record<string, unknown>) {
    await this.audit.insertOne({ actorType, actorId, action, caseId, details });
  }
}
