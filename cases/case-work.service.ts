import type { DataCipher } from '../app/crypto.js';
import { AppError, forbidden } from '../app/errors.js';
import type { Logger } from '../app/logger.js';
import {
  AuditEventModel,
  CaseModel,
  ContactModel,
  MessageModel,
  StaffModel,
  type AuditEvent,
  type Case,
  type CaseStatus,
  type Channel,
  type Message,
  type Referral,
  type StaffRole,
} from '../models/index.js';
import type { Outbox } from '../outbox/outbox.service.js';
import type { Store } from '../store/index.js';
import { suggestAssignees, type AssigneeSuggestion } from './assignment.js';
import { CaseQuery, isOverdue, type CaseList } from './case-query.js';
import {
  AssignSchema,
  AttachmentIndexSchema,
  AuditQuerySchema,
  CaseListQuerySchema,
  IdSchema,
  NoteSchema,
  ReferralAnswerSchema,
  ReferralSchema,
  ReplySchema,
  StatusSchema,
  TriageSchema,
  parseInput,
  type AuditQueryInput,
  type CaseListQueryInput,
  type ReferralInput,
  type TriageInput,
} from './case-work.schemas.js';
import { assertTransition, moveStatus, statusOnWork } from './case-workflow.js';
import type { CaseService } from './cases.service.js';
import type { EvidenceFile, EvidenceInfo } from './evidence.service.js';
import { ChildReplies } from './child-reply.js';
import { CaseReferrals } from './referrals.js';
import { canSee, type StaffPrincipal } from './scope.js';
import { triageChanges } from './triage.js';
import { readWorkSettings } from './work-settings.js';

/** A case as staff see it: never the contact's id, only whether details were left. */
export type CaseView = Omit<Case, 'contactId' | 'contactDetailsEnc'> & { urgent: boolean; overdue: boolean };

/** Everything the case page shows. */
/** How many of a case's latest audit events its page shows. */
export const TRAIL_SHOWN = 50;

export interface CaseDetail {
  case: CaseView;
  /** Child, counsellor, system messages and internal notes, in order. */
  messages: Message[];
  referrals: Referral[];
  /** The case's latest events ({@link TRAIL_SHOWN} at most), oldest first. */
  audit: AuditEvent[];
  /** How many events the case's trail holds in all (the audit log shows every one). */
  auditTotal: number;
  /** The contact as staff may know it: how they wrote, and whether they can still be reached. */
  contact: { channel: Channel; lang: 'vi' | 'en'; blocked: boolean; forgotten: boolean };
  /** What the person chose to leave for a call back (decrypted), or null when they left nothing. */
  contactDetails: string | null;
  /** Display names of the staff named in the case (assignee, authors, audit actors). */
  staffNames: Record<string, string>;
  /** Where the file of each attachment stands, by `<messageId>:<index>` (none: only the reference is kept). */
  evidence: Record<string, EvidenceInfo>;
}

/** An attachment's file as the back office serves it. */
export interface EvidenceDownload extends EvidenceFile {
  /** A name to save it under: the case code, the message and the attachment's place. */
  filename: string;
}

export interface AuditPage {
  items: AuditEvent[];
  total: number;
  page: number;
  pageSize: number;
  /** The reporter role stored on each case whose sender acted on the page (by case id). */
  senderRoles: Record<string, string | null>;
}

const AUDIT_PAGE_SIZE = 50;
const MANAGERS: StaffRole[] = ['coordinator', 'admin'];

/**
 * The staff side of the case service: what counsellors, coordinators and admins do with cases.
 * Every method checks the actor's scope (a case outside it is "not found", so its existence is
 * not revealed), parses its input with zod, and writes an audit event for each view and change.
 */
export class CaseWorkService {
  private readonly query: CaseQuery;
  private readonly replies: ChildReplies;
  private readonly referrals: CaseReferrals;

  constructor(
    private readonly store: Store,
    outbox: Outbox,
    private readonly cipher: DataCipher,
    logger: Logger,
    private readonly cases: CaseService,
  ) {
    this.query = new CaseQuery(store);
    this.replies = new ChildReplies(store, outbox, cases, logger);
    this.referrals = new CaseReferrals(store, cases, this.replies);
  }

  private get caseDocs() {
    return this.store.collection(CaseModel);
  }

  /** The inbox. Counts by status are within the actor's scope. */
  async listCases(actor: StaffPrincipal, input: CaseListQueryInput = {}): Promise<CaseList> {
    const q = parseInput(CaseListQuerySchema, input);
    const list = await this.query.list(actor, q);
    const { q: text, ...filters } = q;
    // The search words are left out: they may be the child's own.
    await this.cases.record('staff', actor.id, 'cases.listed', null, { ...filters, searched: Boolean(text), total: list.total });
    return list;
  }

  /** The case page. Audited as `case.viewed`. */
  async getCase(actor: StaffPrincipal, caseId: string): Promise<CaseDetail> {
    const c = await this.visibleCase(actor, caseId);
    const contact = await this.store.collection(ContactModel).findOne({ _id: c.contactId });
    const contactDetails = c.contactDetailsEnc ? this.cipher.decrypt(c.contactDetailsEnc) : null;
    await this.cases.record('staff', actor.id, 'case.viewed', c._id, { contactDetailsShown: contactDetails !== null });
    // Every view adds to the trail: a case opened a thousand times shows its latest events.
    const auditTotal = await this.store.collection(AuditEventModel).count({ caseId: c._id });
    const [messages, referrals, audit] = await Promise.all([
      this.store.collection(MessageModel).find({ caseId: c._id }, { sort: { seq: 1 } }),
      this.referrals.forCase(c._id),
      this.store.collection(AuditEventModel).find({ caseId: c._id }, { sort: { createdAt: 1 }, skip: Math.max(0, auditTotal - TRAIL_SHOWN), limit: TRAIL_SHOWN }),
    ]);
    const staffIds = [c.assigneeId, ...messages.map((m) => m.staffId), ...audit.map((e) => e.actorId), ...referrals.map((r) => r.staffId)];
    return {
      case: this.toView(c),
      messages,
      referrals,
      audit,
      auditTotal,
      contact: {
        channel: contact?.channel ?? c.channel,
        lang: contact?.lang ?? 'vi',
        blocked: contact?.blocked ?? false,
        forgotten: !contact?.addressEnc,
      },
      contactDetails,
      staffNames: await this.query.staffNames(staffIds.filter((id): id is string => !!id)),
      evidence: await this.cases.evidence.infoFor(c._id, messages),
    };
  }

  /**
   * The file of one attachment (a photo, a voice note), decrypted and checked, for the case page
   * to show. Audited as `case.evidence_viewed`; `evidence_not_found` (404) when the case is out
   * of scope, or the attachment does not exist or has no file here (yet).
   */
  async getEvidence(actor: StaffPrincipal, caseId: string, messageId: string, index: string | number): Promise<EvidenceDownload> {
    const c = await this.visibleCase(actor, caseId);
    const at = AttachmentIndexSchema.safeParse(index);
    const message = at.success && IdSchema.safeParse(messageId).success ? await this.store.collection(MessageModel).findOne({ _id: messageId, caseId: c._id }) : null;
    const file = message && at.success ? await this.cases.evidence.read(c._id, message, at.data) : null;
    if (!message || !at.success || !file) throw new AppError('evidence_not_found', 404);
    await this.cases.record('staff', actor.id, 'case.evidence_viewed', c._id, { messageId: message._id, index: at.data, mime: file.mime });
    return { ...file, filename: `${c.code}-${message._id.slice(0, 6)}-${at.data + 1}.${file.extension}` };
  }

  /** Sets the triage fields (coordinators and admins); a new case becomes triaged. */
  async triage(actor: StaffPrincipal, caseId: string, input: TriageInput): Promise<CaseView> {
    requireRole(actor, MANAGERS);
    const fields = parseInput(TriageSchema, input);
    const c = await this.visibleCase(actor, caseId);
    const { set, changes } = triageChanges(c, fields, await readWorkSettings(this.store));
    let updated = Object.keys(set).length ? ((await this.caseDocs.findOneAndUpdate({ _id: c._id }, { $set: set })) ?? c) : c;
    await this.cases.record('staff', actor.id, 'case.triaged', c._id, { changes });
    const to = statusOnWork(updated.status, 'triage');
    if (to) updated = (await moveStatus(this.deps(), actor.id, updated, to, 'triage')) ?? updated;
    return this.toView(updated);
  }

  /** Assigns the case to an active counsellor or coordinator, or unassigns it (null). */
  async assign(actor: StaffPrincipal, caseId: string, staffId: string | null): Promise<CaseView> {
    requireRole(actor, MANAGERS);
    const { staffId: to } = parseInput(AssignSchema, { staffId });
    const c = await this.visibleCase(actor, caseId);
    if (to) {
      const assignee = await this.store.collection(StaffModel).findOne({ _id: to, active: true, role: { $in: ['counsellor', 'coordinator'] } });
      if (!assignee) throw new AppError('validation_failed', 400, { details: { staffId: 'errors.fields.invalid_assignee' } });
    }
    let updated = (await this.caseDocs.findOneAndUpdate({ _id: c._id }, { $set: { assigneeId: to } })) ?? c;
    await this.cases.record('staff', actor.id, 'case.assigned', c._id, { from: c.assigneeId ?? null, to });
    const next = to ? statusOnWork(updated.status, 'assign') : null;
    if (next) updated = (await moveStatus(this.deps(), actor.id, updated, next, 'assign')) ?? updated;
    return this.toView(updated);
  }

  /** Counsellors who could take the case, best first (coordinators and admins). */
  async suggestAssignees(actor: StaffPrincipal, caseId: string): Promise<AssigneeSuggestion[]> {
    requireRole(actor, MANAGERS);
    return suggestAssignees(this.store, await this.visibleCase(actor, caseId));
  }

  /** Moves the case along the workflow (STATUS_TRANSITIONS); any other move is `invalid_transition` (409). */
  async changeStatus(actor: StaffPrincipal, caseId: string, to: CaseStatus): Promise<CaseView> {
    const { status } = parseInput(StatusSchema, { status: to });
    const c = await this.visibleCase(actor, caseId);
    assertTransition(c.status, status);
    const moved = await moveStatus(this.deps(), actor.id, c, status, 'manual');
    // Someone else moved it since it was read: their move stands.
    if (!moved) throw new AppError('invalid_transition', 409, { details: { from: c.status, to: status } });
    return this.toView(moved);
  }

  /** An internal note: staff only, never sent to the child. */
  async addNote(actor: StaffPrincipal, caseId: string, text: string): Promise<Message> {
    const input = parseInput(NoteSchema, { text });
    const c = await this.visibleCase(actor, caseId);
    const note = await this.store.collection(MessageModel).insertOne({ caseId: c._id, author: 'note', staffId: actor.id, text: input.text });
    await this.cases.record('staff', actor.id, 'case.note_added', c._id, { messageId: note._id });
    return note;
  }

  /**
   * Answers the child through the channel they used (or, when they asked to be forgotten, only
   * where the case code reaches: delivery `undelivered`, error `contact_forgotten`).
   */
  async reply(actor: StaffPrincipal, caseId: string, text: string): Promise<Message> {
    const input = parseInput(ReplySchema, { text });
    const c = await this.visibleCase(actor, caseId);
    return this.replies.send(actor.id, c, input.text, 'reply');
  }

  /** Records a referral; an agency's answer is due after the configured days unless `dueAt` is given. */
  async addReferral(actor: StaffPrincipal, caseId: string, input: ReferralInput): Promise<Referral> {
    const parsed = parseInput(ReferralSchema, input);
    const c = await this.visibleCase(actor, caseId);
    return this.referrals.add(actor.id, c, parsed, await readWorkSettings(this.store));
  }

  /** Records an agency's answer and, when asked, sends it to the child like a reply. */
  async recordReferralAnswer(
    actor: StaffPrincipal,
    referralId: string,
    answer: string,
    options: { sendToChild?: boolean | string } = {},
  ): Promise<{ referral: Referral; message: Message | null }> {
    const input = parseInput(ReferralAnswerSchema, { answer, sendToChild: options.sendToChild });
    const referral = IdSchema.safeParse(referralId).success ? await this.referrals.findById(referralId) : null;
    const c = referral ? await this.caseDocs.findOne({ _id: referral.caseId }) : null;
    if (!referral || !c || !canSee(actor, c)) throw new AppError('referral_not_found', 404);
    return this.referrals.answer(actor.id, c, referral, input);
  }

  /** Blocks a contact that floods or abuses the service; the bot still gives them 111. */
  blockContact(actor: StaffPrincipal, caseId: string): Promise<{ blocked: boolean }> {
    return this.setBlocked(actor, caseId, true);
  }

  unblockContact(actor: StaffPrincipal, caseId: string): Promise<{ blocked: boolean }> {
    return this.setBlocked(actor, caseId, false);
  }

  private async setBlocked(actor: StaffPrincipal, caseId: string, blocked: boolean) {
    requireRole(actor, MANAGERS);
    const c = await this.visibleCase(actor, caseId);
    const contact = await this.store
      .collection(ContactModel)
      .findOneAndUpdate({ _id: c.contactId }, { $set: { blocked, blockedAt: blocked ? new Date() : null } });
    if (!contact) throw new AppError('contact_not_found', 404);
    await this.cases.record('staff', actor.id, blocked ? 'contact.blocked' : 'contact.unblocked', c._id, { blocked });
    return { blocked };
  }

  /** The whole audit log, newest first (admins; others see a case's trail on its page). */
  async auditLog(actor: StaffPrincipal, input: AuditQueryInput = {}): Promise<AuditPage> {
    requireRole(actor, ['admin']);
    const q = parseInput(AuditQuerySchema, input);
    const filter = q.caseId ? { caseId: q.caseId } : {};
    const audit = this.store.collection(AuditEventModel);
    const [items, total] = await Promise.all([
      audit.find(filter, { sort: { createdAt: -1, _id: -1 }, skip: (q.page - 1) * AUDIT_PAGE_SIZE, limit: AUDIT_PAGE_SIZE }),
      audit.count(filter),
    ]);
    // Who "the sender" was in each case on the page (a child, a parent…), to name their actions.
    const caseIds = [...new Set(items.filter((e) => e.actorType === 'child' && e.caseId).map((e) => e.caseId!))];
    const cases = caseIds.length ? await this.caseDocs.find({ _id: { $in: caseIds } }) : [];
    const senderRoles = Object.fromEntries(cases.map((c) => [c._id, c.reporterRole ?? null]));
    return { items, total, page: q.page, pageSize: AUDIT_PAGE_SIZE, senderRoles };
  }

  /** The case if the actor may see it; otherwise "not found", exactly as for a case that does not exist. */
  private async visibleCase(actor: StaffPrincipal, caseId: string): Promise<Case> {
    const c = IdSchema.safeParse(caseId).success ? await this.caseDocs.findOne({ _id: caseId }) : null;
    if (!c || !canSee(actor, c)) throw new AppError('case_not_found', 404);
    return c;
  }

  private deps() {
    return { store: this.store, cases: this.cases };
  }

  private toView(c: Case): CaseView {
    const { contactId: _contactId, contactDetailsEnc: _details, ...rest } = c;
    return { ...rest, urgent: c.priority === 'urgent', overdue: isOverdue(c, new Date()) };
  }
}

function requireRole(actor: StaffPrincipal, roles: StaffRole[]) {
  if (!roles.includes(actor.role)) throw forbidden();
}
