import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataCipher } from '../../app/crypto.js';
import { createLogger } from '../../app/logger.js';
import { CaseWorkService } from '../../cases/case-work.service.js';
import { ChildReplies } from '../../cases/child-reply.js';
import { RetentionService } from '../../cases/retention.service.js';
import {
  AuditEventModel,
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
  type Case,
} from '../../models/index.js';
import { recipientKey } from '../../outbox/recipient-key.js';
import { shown } from '../../reports/suppression.js';
import type { IncidentsReport } from '../../reports/reports.service.js';
import { tinyPng } from '../fakes/media-files.js';
import { enginesUnderTest } from '../helpers/engines.js';
import { people, reportWorld, vn } from '../reports/report-fixtures.js';

const DAY = 24 * 60 * 60_000;
const POLICY = { closedCaseDays: 365, shortDays: 7 };
const SECRET_WORDS = 'bố dượng đánh em bằng thắt lưng mỗi tối';
const REPLY_WORDS = 'Em hãy nói với cô Hạnh chủ nhiệm ở trường Mường Phăng';
const Q3 = { period: 'quarter', year: 2026, quarter: 3 } as const;

for (const engine of enginesUnderTest()) {
  describe(`retention on the ${engine.name} engine`, () => {
    let w: Awaited<ReturnType<typeof reportWorld>>;
    let retention: RetentionService;
    let closed: Case;
    let open: Case;
    const closedAt = vn('2026-08-01T10:00:00');

    beforeEach(async () => {
      w = await reportWorld(await engine.open());
      retention = new RetentionService(w.store, w.cases, createLogger('silent'));
      const cipher = new DataCipher(crypto.randomBytes(32));
      const contact = await w.store.collection(ContactModel).insertOne({ channel: 'web', pseudonym: 'web-session-key', addressEnc: cipher.encrypt('token') });
      closed = await w.addCase({ kind: 'report', harmType: 'violence', status: 'closed', closedAt, contactId: contact._id, contactDetailsEnc: cipher.encrypt('0912 345 678'), firstResponseAt: vn('2026-07-15T11:00:00'), text: SECRET_WORDS });
      await w.store.collection(MessageModel).insertOne({ caseId: closed._id, author: 'note', staffId: 's', text: 'ghi chú: em ở xóm 3' });
      await w.refer(closed, 'police', { answeredAt: vn('2026-07-20T10:00:00') });
      await w.store.collection(ReferralModel).updateMany({ caseId: closed._id }, { $set: { answer: 'Công an xã đã đến nhà em', note: 'cán bộ Tuấn' } });
      const kept = await w.cases.evidence.keep({ key: 'upload-1', bytes: tinyPng(), source: 'web' });
      await w.store.collection(EvidenceBlobModel).updateMany({ _id: kept.ref.slice('evidence:'.length) }, { $set: { caseId: closed._id } });
      const then = { createdAt: vn('2026-07-15T10:00:00'), updatedAt: vn('2026-07-15T10:00:00') };
      await w.store.collection(WebTranscriptModel).insertOne({ sessionKey: 'web-session-key', from: 'child', seq: 1, payload: { text: SECRET_WORDS }, ...then } as never);
      await w.store.collection(ConversationModel).insertOne({ contactId: contact._id, step: 'idle', heldText: ['em sợ lắm'], ...then } as never);
      open = await w.addCase({ kind: 'report', harmType: 'bullying', status: 'in_progress', text: 'các bạn trêu em' });
      await w.addMany(6, (i) => ({ kind: 'report', harmType: 'violence', status: 'closed', closedAt, firstResponseAt: vn('2026-07-15T12:00:00'), text: `chuyện ${i}` }));
    });
    afterEach(async () => {
      await w.store.close();
    });

    it('keeps everything before the period has passed since a case was closed', async () => {
      const counts = await retention.run(POLICY, new Date(closedAt.getTime() + 364 * DAY));
      expect(counts.cases).toBe(0);
      expect((await w.store.collection(MessageModel).findOne({ caseId: closed._id, author: 'child' }))!.text).toBe(SECRET_WORDS);
    });

    it('erases the words, notes, answers, contact details, evidence, transcript and held text of a case closed a year ago', async () => {
      const counts = await retention.run(POLICY, new Date(closedAt.getTime() + 366 * DAY));
      expect(counts).toMatchObject({ cases: 7, evidenceFiles: 1, transcriptEntries: 1, heldTexts: 1, contactDetails: 1, referralTexts: 1 });
      const messages = await w.store.collection(MessageModel).find({ caseId: closed._id });
      expect(messages.map((m) => m.text)).toEqual(['', '']);
      expect(messages.every((m) => m.erasedAt)).toBe(true);
      const referral = (await w.store.collection(ReferralModel).findOne({ caseId: closed._id }))!;
      expect(referral).toMatchObject({ answer: null, note: null, to: 'police' });
      expect(referral.answeredAt).toEqual(vn('2026-07-20T10:00:00'));
      expect((await w.store.collection(CaseModel).findOne({ _id: closed._id }))!.contactDetailsEnc).toBeNull();
      expect(await w.store.collection(EvidenceBlobModel).count({})).toBe(0);
      expect(await w.store.collection(EvidenceChunkModel).count({})).toBe(0);
      expect(await w.store.collection(WebTranscriptModel).count({})).toBe(0);
      expect((await w.store.collection(ConversationModel).findOne({}))!.heldText).toEqual([]);
      // The open case keeps its words.
      expect((await w.store.collection(MessageModel).findOne({ caseId: open._id }))!.text).toBe('các bạn trêu em');
    });

    it('leaves every report figure as it was', async () => {
      const before = (await w.reports.view(people.coordDB, 'incidents', Q3, vn('2026-10-01T00:00:00'))) as IncidentsReport;
      await retention.run(POLICY, new Date(closedAt.getTime() + 366 * DAY));
      const after = (await w.reports.view(people.coordDB, 'incidents', Q3, vn('2026-10-01T00:00:00'))) as IncidentsReport;
      expect({ ...after, generatedAt: null }).toEqual({ ...before, generatedAt: null });
      expect(shown(after.total)).toBe('8');
    });

    it('audits how many were erased, never what', async () => {
      await retention.run(POLICY, new Date(closedAt.getTime() + 366 * DAY));
      const [event] = await w.store.collection(AuditEventModel).find({ action: 'retention.erased' });
      expect(event!.details).toMatchObject({ cases: 7, messages: 8, closedCaseDays: 365 });
      expect(JSON.stringify(event)).not.toMatch(/thắt lưng|xóm|Tuấn|0912/);
      await retention.run(POLICY, new Date(closedAt.getTime() + 367 * DAY));
      expect(await w.store.collection(AuditEventModel).count({ action: 'retention.erased' })).toBe(1);
    });

    it('drops delivered inbound updates and files never attached to a case after the short period', async () => {
      const t0 = new Date();
      await w.store.collection(InboundUpdateModel).insertOne({ _id: 'web:1', channel: 'web', status: 'done', event: { sealed: 'x' } });
      await w.store.collection(InboundUpdateModel).insertOne({ _id: 'web:2', channel: 'web', status: 'pending', event: { sealed: 'y' } });
      await w.cases.evidence.keep({ key: 'never-sent', bytes: tinyPng(), source: 'web' });
      expect(await retention.run(POLICY, new Date(t0.getTime() + 6 * DAY))).toMatchObject({ inboundUpdates: 0, abandonedEvidence: 0 });
      expect(await retention.run(POLICY, new Date(t0.getTime() + 8 * DAY))).toMatchObject({ inboundUpdates: 1, abandonedEvidence: 1 });
      expect((await w.store.collection(InboundUpdateModel).find({})).map((u) => u._id)).toEqual(['web:2']);
    });

    it('erases words so that the case search no longer finds them', async () => {
      const work = new CaseWorkService(w.store, w.outbox, w.cipher, createLogger('silent'), w.cases);
      const search = async (q: string) => (await work.listCases(people.admin, { q })).items.map((c) => c._id);
      expect(await search('thắt lưng')).toEqual([closed._id]);
      await retention.run(POLICY, new Date(closedAt.getTime() + 366 * DAY));
      expect(await search('thắt lưng')).toEqual([]);
      expect(await search('các bạn trêu')).toEqual([open._id]);
    });

    describe('the outbox copies of what children were sent', () => {
      const text = async (id: string) => ((await w.store.collection(OutboxModel).findOne({ _id: id }))!.payload as { text: string }).text;
      const markSent = (ids: string[]) => w.store.collection(OutboxModel).updateMany({ _id: { $in: ids } }, { $set: { status: 'sent', sentAt: new Date() } });

      /** A Telegram chat whose case was answered by a counsellor and then closed. */
      async function answeredTelegramCase() {
        const contact = await w.store.collection(ContactModel).insertOne({ channel: 'telegram', pseudonym: 'tg-pseudonym', addressEnc: w.cipher.encrypt('5550001') });
        const c = await w.addCase({ kind: 'report', harmType: 'violence', status: 'closed', closedAt, contactId: contact._id, firstResponseAt: vn('2026-07-15T11:00:00'), text: SECRET_WORDS });
        const reply = await new ChildReplies(w.store, w.outbox, w.cases, createLogger('silent')).send('couns-1', c, REPLY_WORDS, 'reply');
        const [botAnswer] = await w.outbox.enqueue([{ channel: 'telegram', addressEnc: contact.addressEnc!, recipientKey: recipientKey(contact), message: { text: `Em đã kể: ${SECRET_WORDS}` } }]);
        await markSent([botAnswer!._id]);
        return { c, replyCopy: reply.outboxId!, botAnswer: botAnswer!._id };
      }

      it('erases a closed case\'s reply still waiting to leave, and what the bot sent its chat, once the period has passed; figures unchanged', async () => {
        const { c, replyCopy, botAnswer } = await answeredTelegramCase();
        expect(await text(replyCopy)).toContain(REPLY_WORDS);
        const before = (await w.reports.view(people.coordDB, 'incidents', Q3, vn('2026-10-01T00:00:00'))) as IncidentsReport;

        await retention.run(POLICY, new Date(closedAt.getTime() + 364 * DAY));
        // Still within the period: the reply waiting to leave keeps its words and may still go.
        expect(await text(replyCopy)).toContain(REPLY_WORDS);
        expect((await w.store.collection(OutboxModel).findOne({ _id: replyCopy }))!.status).toBe('pending');

        const counts = await retention.run(POLICY, new Date(closedAt.getTime() + 366 * DAY));
        expect(counts.outboxTexts).toBeGreaterThanOrEqual(1);
        expect(await text(replyCopy)).toBe('');
        expect(await w.store.collection(OutboxModel).findOne({ _id: replyCopy })).toMatchObject({ status: 'undelivered', lastError: 'erased_by_retention' });
        expect(await text(botAnswer)).toBe('');
        // The case page no longer shows the erased reply as being sent.
        expect((await w.store.collection(MessageModel).findOne({ caseId: c._id, author: 'counsellor' }))!.delivery).toBe('undelivered');
        const outbox = JSON.stringify(await w.store.collection(OutboxModel).find({}));
        expect(outbox).not.toContain('Hạnh');
        expect(outbox).not.toContain('thắt lưng');

        const after = (await w.reports.view(people.coordDB, 'incidents', Q3, vn('2026-10-01T00:00:00'))) as IncidentsReport;
        expect({ ...after, generatedAt: null }).toEqual({ ...before, generatedAt: null });
        expect(shown(after.total)).toBe('9');
      });

      it('empties a sent copy after the short period wherever it went (the answers read with the code on another channel), keeping staff alerts and messages still waiting', async () => {
        const t0 = new Date();
        const zalo = { channel: 'zalo' as const, pseudonym: 'zalo-pseudonym' };
        const [codeCheck, alert, waiting] = await w.outbox.enqueue([
          { channel: 'zalo', addressEnc: w.cipher.encrypt('z-1'), recipientKey: recipientKey(zalo), message: { text: `💬 Anh chị tư vấn trả lời:\n${REPLY_WORDS}` } },
          { channel: 'telegram', addressEnc: w.cipher.encrypt('-100123'), recipientKey: recipientKey({ staff: 'telegram' }), message: { text: `🚨 Hồ sơ KHẨN CẤP ${closed.code}` } },
          { channel: 'web', addressEnc: w.cipher.encrypt('token-2'), recipientKey: recipientKey({ channel: 'web', pseudonym: 'other-child' }), message: { text: 'Chào em, anh chị đã đọc thư của em.' } },
        ]);
        await markSent([codeCheck!._id, alert!._id]);
        expect((await retention.run(POLICY, new Date(t0.getTime() + 6 * DAY))).outboxTexts).toBe(0);
        expect(await text(codeCheck!._id)).toContain(REPLY_WORDS);

        expect((await retention.run(POLICY, new Date(t0.getTime() + 8 * DAY))).outboxTexts).toBe(1);
        expect(await text(codeCheck!._id)).toBe('');
        expect(await text(alert!._id)).toContain(closed.code);
        expect(await text(waiting!._id)).toBe('Chào em, anh chị đã đọc thư của em.');
        expect((await w.store.collection(OutboxModel).findOne({ _id: waiting!._id }))!.status).toBe('pending');
        const [event] = await w.store.collection(AuditEventModel).find({ action: 'retention.erased' });
        expect(event!.details).toMatchObject({ outboxTexts: 1 });
      });
    });
  });
}
