import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataCipher } from '../../app/crypto.js';
import { AppError } from '../../app/errors.js';
import { createLogger } from '../../app/logger.js';
import type { DeliveryResult, OutboundMessage } from '../../bot/channels/channel.js';
import { CaseWorkService } from '../../cases/case-work.service.js';
import { CaseService } from '../../cases/cases.service.js';
import type { StaffPrincipal } from '../../cases/scope.js';
import {
  AuditEventModel,
  CaseModel,
  ContactModel,
  MessageModel,
  OutboxModel,
  SETTINGS_ID,
  SettingsModel,
  StaffModel,
  type Case,
  type CaseKind,
  type Expertise,
  type StaffRole,
} from '../../models/index.js';
import { Outbox } from '../../outbox/outbox.service.js';
import type { Store } from '../../store/index.js';
import { enginesUnderTest, mongoLegSkipped } from '../helpers/engines.js';

const HN = 'Hà Nội';
const DN = 'Đà Nẵng';
const CHILD_WORDS_HN = 'em bị đánh ở trường bán trú mỗi ngày';
const CHILD_WORDS_DN = 'bạn em bị bắt nạt ở trường bán trú';

async function world(store: Store) {
  const logger = createLogger('silent');
  const cipher = new DataCipher(crypto.randomBytes(32));
  const outbox = new Outbox(store, cipher, logger, { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, sendTimeoutMs: 60_000 });
  const sent: { chatId: string; text: string }[] = [];
  let outcome: DeliveryResult = { ok: true };
  outbox.registerSender({
    channel: 'telegram',
    send: async (chatId: string, message: OutboundMessage) => {
      sent.push({ chatId, text: message.text });
      return outcome;
    },
  });
  const cases = new CaseService(store, outbox, cipher, logger);
  const work = new CaseWorkService(store, outbox, cipher, logger, cases);

  const staff = async (name: string, role: StaffRole, areas: string[], expertise: Expertise[] = []): Promise<StaffPrincipal> => {
    const s = await store.collection(StaffModel).insertOne({ email: `${name}@htx.test`, name, role, areas, expertise });
    return { id: s._id, role, areas, expertise };
  };
  const people = {
    admin: await staff('admin', 'admin', []),
    coordHN: await staff('coord-hn', 'coordinator', [HN]),
    coordDN: await staff('coord-dn', 'coordinator', [DN]),
    counsHN: await staff('couns-hn', 'counsellor', [HN], ['law', 'psychology']),
    counsDN: await staff('couns-dn', 'counsellor', [DN], ['law', 'psychology']),
  };

  let chats = 0;
  const openCase = async (opts: { province?: string | null; kind?: CaseKind; text?: string; assignee?: StaffPrincipal; lang?: 'vi' | 'en' } = {}) => {
    const chatId = `chat-${++chats}`;
    const contact = await store.collection(ContactModel).insertOne({
      channel: 'telegram',
      pseudonym: cipher.pseudonym('telegram', chatId),
      addressEnc: cipher.encrypt(chatId),
      lang: opts.lang ?? 'vi',
    });
    const c = await cases.openCase({
      kind: opts.kind ?? 'report',
      channel: 'telegram',
      contactId: contact._id,
      fields: { area: { province: opts.province === undefined ? HN : opts.province }, harmType: 'violence' },
      urgentReasons: [],
      texts: [opts.text ?? 'em cần giúp'],
      attachments: [],
    });
    if (opts.assignee) await store.collection(CaseModel).findOneAndUpdate({ _id: c._id }, { $set: { assigneeId: opts.assignee.id } });
    return { case: c, chatId, contactId: contact._id };
  };
  const reload = async (id: string) => (await store.collection(CaseModel).findOne({ _id: id }))!;
  const setOutcome = (next: DeliveryResult) => {
    outcome = next;
  };
  return { store, cipher, outbox, cases, work, people, openCase, reload, sent, setOutcome };
}

/** The coded error a call fails with. */
async function failure(promise: Promise<unknown>): Promise<{ code: string; status: number; details?: Record<string, unknown> }> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return { code: err.code, status: err.status, ...(err.details ? { details: err.details } : {}) };
}

const codes = (list: { items: { code: string }[] }) => list.items.map((i) => i.code).sort();

describe.skipIf(!mongoLegSkipped)('MongoDB leg of the case work contract', () => {
  it.skip('is skipped: MONGODB_URI is not set (run `npm run test:mongo`)', () => {});
});

for (const engine of enginesUnderTest()) {
  describe(`case work on the ${engine.name} engine`, () => {
    let w: Awaited<ReturnType<typeof world>>;
    let hn: Case;
    let dn: Case;
    beforeEach(async () => {
      w = await world(await engine.open());
      hn = (await w.openCase({ province: HN, text: CHILD_WORDS_HN, assignee: w.people.counsHN, lang: 'en' })).case;
      dn = (await w.openCase({ province: DN, text: CHILD_WORDS_DN, assignee: w.people.counsDN })).case;
    });
    afterEach(async () => {
      await w.store.close();
    });

    describe('scope', () => {
      it('lists for each counsellor and coordinator only the cases of their own scope', async () => {
        const { counsHN, counsDN, coordHN, coordDN, admin } = w.people;
        expect(codes(await w.work.listCases(counsHN))).toEqual([hn.code]);
        expect(codes(await w.work.listCases(counsDN))).toEqual([dn.code]);
        expect(codes(await w.work.listCases(coordHN))).toEqual([hn.code]);
        expect(codes(await w.work.listCases(coordDN))).toEqual([dn.code]);
        expect(codes(await w.work.listCases(admin))).toEqual([hn.code, dn.code].sort());
      });

      it('shows coordinators the cases whose province is not known yet, so someone triages them', async () => {
        const unknown = (await w.openCase({ province: null })).case;
        expect(codes(await w.work.listCases(w.people.coordDN))).toEqual([dn.code, unknown.code].sort());
        expect(codes(await w.work.listCases(w.people.counsDN))).toEqual([dn.code]);
      });

      it('answers "case not found" for another province\'s case, whatever the action, and changes nothing', async () => {
        const { counsHN, coordHN } = w.people;
        const attempts: Promise<unknown>[] = [
          w.work.getCase(counsHN, dn._id),
          w.work.reply(counsHN, dn._id, 'chào em'),
          w.work.addNote(counsHN, dn._id, 'ghi chú'),
          w.work.changeStatus(counsHN, dn._id, 'triaged'),
          w.work.addReferral(counsHN, dn._id, { to: 'police' }),
          w.work.getCase(coordHN, dn._id),
          w.work.triage(coordHN, dn._id, { topic: 'dignity' }),
          w.work.assign(coordHN, dn._id, w.people.counsHN.id),
          w.work.reply(coordHN, dn._id, 'chào em'),
          w.work.addNote(coordHN, dn._id, 'ghi chú'),
          w.work.changeStatus(coordHN, dn._id, 'triaged'),
          w.work.addReferral(coordHN, dn._id, { to: 'agency', agencyName: 'UBND xã' }),
          w.work.blockContact(coordHN, dn._id),
          w.work.suggestAssignees(coordHN, dn._id),
          w.work.getCase(coordHN, 'no-such-case'),
        ];
        for (const attempt of attempts) expect(await failure(attempt)).toEqual({ code: 'case_not_found', status: 404 });
        expect(await w.reload(dn._id)).toMatchObject({ status: 'new', topic: null, assigneeId: w.people.counsDN.id });
        expect(await w.store.collection(MessageModel).count({ caseId: dn._id })).toBe(1);
        expect(await w.store.collection(ContactModel).count({ blocked: true })).toBe(0);
      });

      it('answers "referral not found" when recording an answer to another province\'s referral', async () => {
        const referral = await w.work.addReferral(w.people.coordDN, dn._id, { to: 'agency', agencyName: 'Sở Giáo dục' });
        expect(await failure(w.work.recordReferralAnswer(w.people.coordHN, referral._id, 'trả lời', { sendToChild: true }))).toEqual({
          code: 'referral_not_found',
          status: 404,
        });
      });

      it('forbids counsellors to triage, assign or block, even on their own case', async () => {
        const { counsHN } = w.people;
        for (const attempt of [
          w.work.triage(counsHN, hn._id, { topic: 'dignity' }),
          w.work.assign(counsHN, hn._id, counsHN.id),
          w.work.blockContact(counsHN, hn._id),
          w.work.suggestAssignees(counsHN, hn._id),
          w.work.auditLog(counsHN),
        ]) {
          expect(await failure(attempt)).toEqual({ code: 'forbidden', status: 403 });
        }
        expect(await w.reload(hn._id)).toMatchObject({ status: 'new', topic: null });
      });

      it('counts cases by status within the actor\'s scope', async () => {
        await w.work.triage(w.people.coordHN, hn._id, {});
        const counts = (await w.work.listCases(w.people.coordHN)).countsByStatus;
        expect(counts).toMatchObject({ new: 0, triaged: 1, in_progress: 0, closed: 0 });
        expect((await w.work.listCases(w.people.admin)).countsByStatus).toMatchObject({ new: 1, triaged: 1 });
      });
    });

    describe('triage and assignment', () => {
      it('triages a new case with the chosen fields and moves it to triaged', async () => {
        const after = await w.work.triage(w.people.coordHN, hn._id, { topic: 'abuse_violence', harmType: 'bullying', priority: 'high', ageBand: '11_13', gender: '' });
        expect(after).toMatchObject({ status: 'triaged', topic: 'abuse_violence', harmType: 'bullying', priority: 'high', ageBand: '11_13', gender: null });
        expect(after).not.toHaveProperty('contactId');
      });

      it('rejects triage values outside the domain with a message key for each field, changing nothing', async () => {
        const err = await failure(w.work.triage(w.people.coordHN, hn._id, { topic: 'weather' as never, priority: 'panic' as never, province: 'Atlantis' }));
        expect(err).toMatchObject({ code: 'validation_failed', status: 400, details: { topic: 'errors.fields.invalid_option', priority: 'errors.fields.invalid_option' } });
        expect(await failure(w.work.triage(w.people.coordHN, hn._id, { province: 'Atlantis' }))).toMatchObject({ details: { province: 'errors.fields.unknown_area' } });
        expect(await w.reload(hn._id)).toMatchObject({ status: 'new', topic: null, priority: 'normal' });
      });

      it('moves the first-response deadline when triage makes a case urgent', async () => {
        const after = await w.work.triage(w.people.coordHN, hn._id, { priority: 'urgent' });
        expect(after.urgent).toBe(true);
        expect(after.firstResponseDueAt!.getTime() - hn.createdAt.getTime()).toBe(60 * 60_000);
      });

      it('assigns only an active counsellor or coordinator and makes a new case triaged', async () => {
        const retired = await w.store.collection(StaffModel).insertOne({ email: 'old@htx.test', name: 'old', role: 'counsellor', areas: [HN], active: false });
        expect(await failure(w.work.assign(w.people.coordHN, hn._id, retired._id))).toMatchObject({ details: { staffId: 'errors.fields.invalid_assignee' } });
        expect(await failure(w.work.assign(w.people.coordHN, hn._id, w.people.admin.id))).toMatchObject({ code: 'validation_failed' });
        const after = await w.work.assign(w.people.coordHN, hn._id, w.people.coordHN.id);
        expect(after).toMatchObject({ assigneeId: w.people.coordHN.id, status: 'triaged' });
        expect(codes(await w.work.listCases(w.people.counsHN))).toEqual([]);
        expect((await w.work.assign(w.people.coordHN, hn._id, null)).assigneeId).toBeNull();
      });

      it('suggests the counsellor of the province whose expertise matches first, then the one with fewer open cases', async () => {
        const add = (name: string, areas: string[], expertise: Expertise[]) =>
          w.store.collection(StaffModel).insertOne({ email: `${name}@htx.test`, name, role: 'counsellor', areas, expertise });
        const allRound = await add('all-round', [HN], ['law', 'psychology', 'social_work']);
        await add('doctor', [HN], ['health']);
        await add('far-away', [DN], ['law', 'psychology', 'social_work']);
        const idle = await add('idle', [HN], ['law', 'psychology']);
        const suggestions = await w.work.suggestAssignees(w.people.coordHN, hn._id);
        expect(suggestions.map((s) => s.name)).toEqual([allRound.name, idle.name, 'couns-hn']);
        expect(suggestions[1]).toMatchObject({ matchedExpertise: ['law', 'psychology'], openCases: 0 });
        expect(suggestions[2]).toMatchObject({ openCases: 1 });
      });
    });

    describe('status workflow', () => {
      it('walks a case through every step, stamping closedAt on closing and clearing it on reopening', async () => {
        const actor = w.people.counsHN;
        for (const to of ['triaged', 'in_progress', 'waiting', 'referred', 'resolved', 'closed'] as const) {
          expect((await w.work.changeStatus(actor, hn._id, to)).status).toBe(to);
        }
        expect((await w.reload(hn._id)).closedAt).toBeInstanceOf(Date);
        const reopened = await w.work.changeStatus(actor, hn._id, 'in_progress');
        expect(reopened).toMatchObject({ status: 'in_progress', closedAt: null });
      });

      it('rejects a move the workflow does not allow and leaves the case as it was', async () => {
        for (const to of ['resolved', 'closed', 'in_progress', 'new'] as const) {
          expect(await failure(w.work.changeStatus(w.people.counsHN, hn._id, to))).toMatchObject({ code: 'invalid_transition', status: 409 });
        }
        expect(await failure(w.work.changeStatus(w.people.counsHN, hn._id, 'lost' as never))).toMatchObject({ details: { status: 'errors.fields.invalid_option' } });
        expect(await w.reload(hn._id)).toMatchObject({ status: 'new', closedAt: null });
        expect(await w.store.collection(AuditEventModel).count({ action: 'case.status_changed' })).toBe(0);
      });
    });

    describe('replies and notes', () => {
      it('sends a reply on the channel the child used and marks it sent when the outbox delivers it', async () => {
        const message = await w.work.reply(w.people.counsHN, hn._id, 'Chào em, anh chị đã đọc.');
        expect(message).toMatchObject({ author: 'counsellor', delivery: 'pending', staffId: w.people.counsHN.id });
        expect(await w.reload(hn._id)).toMatchObject({ status: 'in_progress', firstResponseAt: expect.any(Date) });
        const [item] = await w.store.collection(OutboxModel).find({ messageId: message._id });
        expect(item).toMatchObject({ channel: 'telegram', status: 'pending' });
        await w.outbox.deliverDue();
        expect(w.sent).toEqual([{ chatId: 'chat-1', text: expect.stringContaining(hn.code) }]);
        expect(w.sent[0]!.text).toMatch(/^💬 A counsellor answered/);
        expect(await w.store.collection(MessageModel).findOne({ _id: message._id })).toMatchObject({ delivery: 'sent', outboxId: item!._id });
      });

      it('shows a reply the platform refuses as undelivered, with the reason', async () => {
        w.setOutcome({ ok: false, permanent: true, error: 'bot_blocked_by_user' });
        const message = await w.work.reply(w.people.coordDN, dn._id, 'Chào em');
        await w.outbox.deliverDue();
        expect(await w.store.collection(MessageModel).findOne({ _id: message._id })).toMatchObject({ delivery: 'undelivered', deliveryError: 'bot_blocked_by_user' });
      });

      it('keeps a reply to a forgotten contact readable by case code, marked undelivered', async () => {
        await w.store.collection(ContactModel).updateMany({ _id: hn.contactId }, { $set: { addressEnc: null, pseudonym: 'forgotten:x', forgottenAt: new Date() } });
        const message = await w.work.reply(w.people.counsHN, hn._id, 'Anh chị vẫn ở đây.');
        expect(message).toMatchObject({ delivery: 'undelivered', deliveryError: 'contact_forgotten' });
        expect(await w.store.collection(OutboxModel).count({})).toBe(0);
        expect((await w.cases.findForChild(hn.code))?.answers.map((a) => a.text)).toEqual(['Anh chị vẫn ở đây.']);
        expect((await w.work.getCase(w.people.counsHN, hn._id)).contact.forgotten).toBe(true);
      });

      it('keeps internal notes on the case page and never sends them to the child', async () => {
        await w.work.addNote(w.people.counsHN, hn._id, 'Gọi lại cho trường');
        expect(await w.store.collection(OutboxModel).count({})).toBe(0);
        expect((await w.cases.findForChild(hn.code))?.answers).toEqual([]);
        const detail = await w.work.getCase(w.people.counsHN, hn._id);
        expect(detail.messages.map((m) => m.author)).toEqual(['child', 'note']);
        expect(detail.staffNames[w.people.counsHN.id]).toBe('couns-hn');
      });

      it('rejects an empty reply with a field message and sends nothing', async () => {
        expect(await failure(w.work.reply(w.people.counsHN, hn._id, '   '))).toEqual({ code: 'validation_failed', status: 400, details: { text: 'errors.fields.required' } });
        expect(await w.store.collection(MessageModel).count({ author: 'counsellor' })).toBe(0);
      });
    });

    describe('case page and audit', () => {
      it('shows contact details only when the child left them, decrypted, and never the chat id', async () => {
        expect((await w.work.getCase(w.people.coordHN, hn._id)).contactDetails).toBeNull();
        await w.cases.updateIntake(hn._id, { contactDetails: '0912 345 678' });
        const detail = await w.work.getCase(w.people.coordHN, hn._id);
        expect(detail.contactDetails).toBe('0912 345 678');
        const shown = JSON.stringify(detail);
        expect(shown).not.toContain('chat-1');
        expect(shown).not.toContain(hn.contactId);
        expect(shown).not.toContain(w.cipher.pseudonym('telegram', 'chat-1'));
      });

      it('writes an audit event for every view and change, never containing the words of a message', async () => {
        const actor = w.people.coordHN;
        await w.work.getCase(actor, hn._id);
        await w.work.triage(actor, hn._id, { topic: 'dignity' });
        await w.work.reply(actor, hn._id, 'Lời trả lời bí mật');
        await w.work.addNote(actor, hn._id, 'Ghi chú bí mật');
        await w.work.blockContact(actor, hn._id);
        await w.work.unblockContact(actor, hn._id);
        await w.work.listCases(actor, { q: 'bán trú' });
        const events = await w.store.collection(AuditEventModel).find({ actorId: actor.id }, { sort: { createdAt: 1 } });
        expect(events.map((e) => e.action)).toEqual(
          expect.arrayContaining(['case.viewed', 'case.triaged', 'case.replied', 'case.status_changed', 'case.note_added', 'contact.blocked', 'contact.unblocked', 'cases.listed']),
        );
        const all = JSON.stringify(await w.store.collection(AuditEventModel).find({}));
        for (const words of ['Lời trả lời bí mật', 'Ghi chú bí mật', 'bán trú', CHILD_WORDS_HN]) expect(all).not.toContain(words);
        expect((await w.work.getCase(actor, hn._id)).audit.map((e) => e.action)).toContain('case.note_added');
      });

      it('opens the whole audit log to admins only', async () => {
        await w.work.getCase(w.people.coordDN, dn._id);
        const log = await w.work.auditLog(w.people.admin, { caseId: dn._id });
        expect(log.items.map((e) => e.action)).toEqual(expect.arrayContaining(['case.created', 'case.viewed']));
        expect(await failure(w.work.auditLog(w.people.coordDN))).toMatchObject({ status: 403 });
      });

      it('lets a coordinator block and unblock the contact of a case in scope', async () => {
        expect(await w.work.blockContact(w.people.coordHN, hn._id)).toEqual({ blocked: true });
        expect(await w.store.collection(ContactModel).findOne({ _id: hn.contactId })).toMatchObject({ blocked: true, blockedAt: expect.any(Date) });
        await w.work.unblockContact(w.people.coordHN, hn._id);
        expect((await w.work.getCase(w.people.coordHN, hn._id)).contact.blocked).toBe(false);
      });

      it('sends a blocked contact no reply, but keeps it readable by the case code', async () => {
        await w.work.blockContact(w.people.coordHN, hn._id);
        const before = await w.store.collection(OutboxModel).count({});
        const message = await w.work.reply(w.people.coordHN, hn._id, 'Anh chị vẫn ở đây.');
        expect(message).toMatchObject({ delivery: 'undelivered', deliveryError: 'contact_blocked' });
        expect(await w.store.collection(OutboxModel).count({})).toBe(before);
        await w.work.unblockContact(w.people.coordHN, hn._id);
      });
    });

    describe('inbox', () => {
      it('finds a case by words from the child\'s message only within the actor\'s scope', async () => {
        expect(codes(await w.work.listCases(w.people.admin, { q: 'BÁN TRÚ' }))).toEqual([hn.code, dn.code].sort());
        expect(codes(await w.work.listCases(w.people.counsHN, { q: 'bán trú' }))).toEqual([hn.code]);
        expect(codes(await w.work.listCases(w.people.coordDN, { q: 'bán trú' }))).toEqual([dn.code]);
        expect(codes(await w.work.listCases(w.people.coordDN, { q: 'bị đánh' }))).toEqual([]);
        expect(codes(await w.work.listCases(w.people.admin, { q: hn.code.toLowerCase().replace(/-/g, ' ') }))).toEqual([hn.code]);
        expect((await w.work.listCases(w.people.admin, { q: '(.*' })).total).toBe(0);
      });

      it("counts only the actor's cases among those a word search finds, typed with or without diacritics", async () => {
        await w.openCase({ province: HN, text: 'Ở trường bán trú bạn lấy đồ của em' });
        const { admin, coordHN, coordDN, counsDN } = w.people;
        expect((await w.work.listCases(admin, { q: 'ban tru' })).total).toBe(3);
        expect((await w.work.listCases(coordHN, { q: 'BAN TRU' })).total).toBe(2);
        expect(await w.work.listCases(coordDN, { q: 'bán trú' })).toMatchObject({ total: 1, items: [{ code: dn.code }] });
        expect(await w.work.listCases(counsDN, { q: 'trường bán' })).toMatchObject({ total: 1, items: [{ code: dn.code }] });
      });

      it("finds a case by the child's words only, not by the words of an answer or a note", async () => {
        await w.work.reply(w.people.admin, dn._id, 'Ở ký túc xá em hãy tìm cô quản lý nhé.');
        expect((await w.work.listCases(w.people.admin, { q: 'ký túc xá' })).total).toBe(0);
        expect(codes(await w.work.listCases(w.people.admin, { q: 'bắt nạt' }))).toEqual([dn.code]);
      });

      it('orders and pages a word search as the inbox orders the same cases without one', async () => {
        const urgent = (await w.openCase({ province: DN, text: 'ở trường bán trú có người đánh em' })).case;
        await w.cases.markUrgent(urgent._id, ['self_harm']);
        const answered = (await w.openCase({ province: HN, text: 'trường bán trú của em xa nhà' })).case;
        await w.work.reply(w.people.admin, answered._id, 'Chào em');
        await w.openCase({ province: HN, text: 'em muốn hỏi về chuyện khác' });
        const found = [hn.code, dn.code, urgent.code, answered.code];
        for (const sort of ['priority', 'newest', 'oldest', 'due'] as const) {
          const inbox = (await w.work.listCases(w.people.admin, { sort })).items.map((i) => i.code).filter((c) => found.includes(c));
          const paged: string[] = [];
          for (let page = 1; page <= 3; page++) {
            const list = await w.work.listCases(w.people.admin, { q: 'bán trú', sort, page: String(page), pageSize: '2' });
            expect(list.total).toBe(4);
            paged.push(...list.items.map((i) => i.code));
          }
          expect(paged).toEqual(inbox);
        }
      });

      it('lists only unanswered open cases past their deadline with the overdue filter', async () => {
        await w.store.collection(CaseModel).updateMany({ _id: hn._id }, { $set: { firstResponseDueAt: new Date(Date.now() - 60_000) } });
        const overdue = await w.work.listCases(w.people.admin, { overdue: 'true' });
        expect(overdue.items.map((i) => [i.code, i.overdue])).toEqual([[hn.code, true]]);
        await w.work.reply(w.people.counsHN, hn._id, 'Chào em');
        expect((await w.work.listCases(w.people.admin, { overdue: 'true' })).total).toBe(0);
      });

      it('filters by assignee, sorts by priority across pages and rejects a page size over 100', async () => {
        const urgent = (await w.openCase({ province: HN })).case;
        await w.cases.markUrgent(urgent._id, ['self_harm']);
        expect(codes(await w.work.listCases(w.people.coordHN, { assignee: 'unassigned' }))).toEqual([urgent.code]);
        expect(codes(await w.work.listCases(w.people.counsHN, { assignee: 'me' }))).toEqual([hn.code]);
        const first = await w.work.listCases(w.people.admin, { sort: 'priority', pageSize: '1' });
        expect(first).toMatchObject({ total: 3, page: 1, pageSize: 1, items: [{ code: urgent.code, urgent: true }] });
        const second = await w.work.listCases(w.people.admin, { sort: 'priority', page: '2', pageSize: '2' });
        expect(second.items).toHaveLength(1);
        expect(await failure(w.work.listCases(w.people.admin, { pageSize: '500' }))).toMatchObject({ details: { pageSize: 'errors.fields.too_large' } });
      });
    });

    describe('referrals', () => {
      it('forwards an opinion to an agency, due in 30 days unless the settings say otherwise, and marks the case referred', async () => {
        const opinion = (await w.openCase({ province: HN, kind: 'opinion', assignee: w.people.counsHN })).case;
        await w.work.reply(w.people.counsHN, opinion._id, 'Cảm ơn em');
        expect(await failure(w.work.addReferral(w.people.counsHN, opinion._id, { to: 'agency' }))).toMatchObject({ details: { agencyName: 'errors.fields.required' } });
        const sentAt = new Date('2026-03-01T02:00:00Z');
        const referral = await w.work.addReferral(w.people.counsHN, opinion._id, { to: 'agency', agencyName: 'UBND xã Tân Lập', sentAt: sentAt.toISOString() });
        expect(referral.dueAt!.getTime() - sentAt.getTime()).toBe(30 * 24 * 60 * 60_000);
        expect((await w.reload(opinion._id)).status).toBe('referred');
        await w.store.collection(SettingsModel).findOneAndUpdate({ _id: SETTINGS_ID }, { $set: { 'sla.forwardedOpinionDays': 10 } }, { upsert: true });
        const second = await w.work.addReferral(w.people.counsHN, opinion._id, { to: 'agency', agencyName: 'Sở Y tế', sentAt });
        expect(second.dueAt!.getTime() - sentAt.getTime()).toBe(10 * 24 * 60 * 60_000);
      });

      it('records the agency\'s answer and sends it to the child once, like a reply', async () => {
        const referral = await w.work.addReferral(w.people.counsHN, hn._id, { to: 'agency', agencyName: 'Trường THCS' });
        const { referral: answered, message } = await w.work.recordReferralAnswer(w.people.counsHN, referral._id, 'Nhà trường đã xử lý.', { sendToChild: 'on' });
        expect(answered).toMatchObject({ answer: 'Nhà trường đã xử lý.', answeredAt: expect.any(Date), answerSentToChildAt: expect.any(Date) });
        expect(message).toMatchObject({ author: 'counsellor', delivery: 'pending' });
        await w.outbox.deliverDue();
        expect(w.sent.map((s) => s.text)).toEqual([expect.stringContaining('Nhà trường đã xử lý.')]);
        expect(await failure(w.work.recordReferralAnswer(w.people.counsHN, referral._id, 'Lần nữa', { sendToChild: true }))).toMatchObject({ status: 409 });
        expect((await w.work.getCase(w.people.counsHN, hn._id)).referrals).toHaveLength(1);
      });
    });

    describe('settings', () => {
      it('keeps only one settings document with valid numbers and formats', async () => {
        const settings = w.store.collection(SettingsModel);
        const one = { _id: SETTINGS_ID };
        await expect(settings.insertOne({ ...one, hotlines: { provinceNumber: 'call me', provinceName: 'X' } })).rejects.toThrow();
        await expect(settings.insertOne({ ...one, sla: { urgentMinutes: 13 * 60 } as never })).rejects.toThrow();
        await expect(settings.insertOne({ ...one, sla: { adviceMinutes: 90.5 } as never })).rejects.toThrow();
        await expect(settings.insertOne({ ...one, staffTelegramChatId: '@group' })).rejects.toThrow();
        await expect(settings.insertOne({ _id: 'other' })).rejects.toThrow();
        await expect(settings.insertOne({ ...one, areas: [{ name: HN, aliases: [], communes: [] }, { name: HN, aliases: [], communes: [] }] })).rejects.toThrow();
        const saved = await settings.insertOne({ ...one, hotlines: { provinceNumber: '1800 8079', provinceName: 'Ninh Thuận' }, staffTelegramChatId: '-1001234567890' });
        expect(saved).toMatchObject({ _id: SETTINGS_ID, sla: { urgentMinutes: 60, forwardedOpinionDays: 30 }, areas: [] });
        await expect(settings.findOneAndUpdate({ _id: 'settings' }, { $set: { 'sla.urgentMinutes': 0 } })).rejects.toThrow();
      });
    });
  });
}
