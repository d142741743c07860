import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../locales/i18n.js';
import { CaseModel, EvidenceBlobModel, MessageModel, StaffModel, type Case, type EvidenceBlob } from '../../models/index.js';
import { AdminClient, createStaffAccount } from '../helpers/admin-client.js';
import { caseCodeIn, eventually, TelegramHarness, type TelegramChild } from '../helpers/telegram-child.js';

const vi = tr('vi');
const ADMIN = { email: 'admin@example.test', password: 'correct horse battery' };
const PASSWORD = 'a long enough password';

describe('evidence in the back office: a Telegram photo or voice note, fetched, kept and shown', () => {
  let bot: TelegramHarness;
  let admin: AdminClient;
  let n = 0;

  beforeAll(async () => {
    bot = await TelegramHarness.start({ env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, STAFF_2FA: 'optional' } });
    admin = new AdminClient(bot.app.url);
    expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(303);
  });
  afterAll(() => bot?.close());

  async function counsellor(): Promise<{ client: AdminClient; id: string }> {
    const email = `counsellor.${++n}@example.test`;
    const { staff } = await createStaffAccount(bot.app, { email, password: PASSWORD, role: 'counsellor', twoFactor: false });
    const client = new AdminClient(bot.app.url);
    expect((await client.signIn(email, PASSWORD)).status).toBe(303);
    return { client, id: staff._id };
  }

  /** A child reports on Telegram, skipping to the photos step, sending `send` there, then skipping to the receipt. */
  async function reportWith(send: (child: TelegramChild) => Promise<unknown>): Promise<Case> {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));
    for (let i = 0; child.lastKeyboard?.text !== vi('bot.q.media'); i++) {
      if (i > 12) throw new Error('never asked for photos');
      await child.presses(vi('bot.button.skip'));
    }
    await send(child);
    return bot.caseByCode(caseCodeIn(await child.skipsToTheEnd()));
  }

  /** The case's one file, once the fetch job has settled it. */
  async function settledBlob(caseId: string): Promise<EvidenceBlob> {
    const blobs = bot.app.store.collection(EvidenceBlobModel);
    await eventually(
      async () => (await blobs.count({ caseId, status: { $ne: 'pending' } })) > 0,
      10_000,
      async () => `the file was not fetched: ${JSON.stringify(await blobs.find({ caseId }))}`,
    );
    return (await blobs.findOne({ caseId }))!;
  }

  const fileMessage = async (caseId: string) => (await bot.app.store.collection(MessageModel).find({ caseId })).find((m) => m.attachments.length > 0)!;
  const assign = (caseId: string, staffId: string) => bot.app.store.collection(CaseModel).findOneAndUpdate({ _id: caseId }, { $set: { assigneeId: staffId } });

  it('when a child sends a photo at the photos step, then the case page shows it and its URL serves the very bytes Telegram had', async () => {
    let sent: Buffer | undefined;
    const c = await reportWith(async (child) => {
      const answer = await child.sends((api, chatId) => {
        const update = api.userSendsPhoto(chatId);
        sent = api.largestPhotoOf(update).bytes;
        return update;
      });
      expect(answer.map((m) => m.text)).toEqual([vi('bot.q.media_more')]);
    });
    expect(await settledBlob(c._id)).toMatchObject({ status: 'stored', mime: 'image/jpeg', size: sent!.length, source: 'telegram' });
    const message = await fileMessage(c._id);
    const url = `/admin/cases/${c._id}/evidence/${message._id}/0`;

    const page = await admin.get(`/admin/cases/${c._id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<img class="evidence-photo" src="${url}" alt="${vi('admin.cases.conversation.photo_alt')}"`);
    expect(page.html).toMatch(/📎 <strong>Ảnh<\/strong> \(image\/jpeg\) · \d+ B/);
    expect(page.headers.get('content-security-policy')).toContain("media-src 'self'");

    const res = await fetch(new URL(url, bot.app.url), { headers: { cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(sent!)).toBe(true);
    expect(bot.fake.downloads).toContain(bot.fake.files.get(message.attachments[0]!.ref)!.path);
  });

  it('serves a file with its stored type, inline, never cached, never sniffed, and sandboxed', async () => {
    const c = await reportWith((child) => child.sendsPhoto());
    await settledBlob(c._id);
    const message = await fileMessage(c._id);
    const res = await admin.get(`/admin/cases/${c._id}/evidence/${message._id}/0`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^inline; filename="${c.code}-[\\w-]{6}-1\\.jpg"$`));
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
  });

  it('when staff open a file, then the case\'s audit trail says who viewed which one', async () => {
    const c = await reportWith((child) => child.sendsPhoto());
    await settledBlob(c._id);
    const message = await fileMessage(c._id);
    expect((await admin.get(`/admin/cases/${c._id}/evidence/${message._id}/0`)).status).toBe(200);
    const adminId = (await bot.app.store.collection(StaffModel).findOne({ email: ADMIN.email }))!._id;
    const viewed = (await bot.auditOf(c._id)).filter((e) => e.action === 'case.evidence_viewed');
    expect(viewed).toEqual([expect.objectContaining({ actorType: 'staff', actorId: adminId, details: { messageId: message._id, index: 0, mime: 'image/jpeg' } })]);
    expect((await admin.get(`/admin/cases/${c._id}`)).html).toContain(vi('admin.audit.actions.case.evidence_viewed'));
  });

  it('when a counsellor asks for the file of a case that is not theirs, then it is not found, as for a file that does not exist', async () => {
    const c = await reportWith((child) => child.sendsPhoto());
    await settledBlob(c._id);
    const message = await fileMessage(c._id);
    const [lan, minh] = [await counsellor(), await counsellor()];
    await assign(c._id, lan.id);
    const url = `/admin/cases/${c._id}/evidence/${message._id}/0`;
    expect((await lan.client.get(url)).status).toBe(200);
    const refused = await minh.client.get(url);
    expect(refused.status).toBe(404);
    expect(refused.headers.get('content-type')).toContain('text/html');
    for (const other of [`/admin/cases/${c._id}/evidence/${message._id}/1`, `/admin/cases/${c._id}/evidence/nope/0`, `/admin/cases/${c._id}/evidence/${message._id}/x`]) {
      expect((await lan.client.get(other)).status, other).toBe(404);
    }
    expect((await bot.auditOf(c._id)).filter((e) => e.action === 'case.evidence_viewed' && e.actorId === minh.id)).toEqual([]);
  });

  it('when a child sends a voice note, then the case page offers it as audio to play', async () => {
    const c = await reportWith((child) => child.sends((api, chatId) => api.userSendsVoice(chatId)));
    expect(await settledBlob(c._id)).toMatchObject({ status: 'stored', mime: 'audio/ogg', kind: 'voice' });
    const message = await fileMessage(c._id);
    const page = await admin.get(`/admin/cases/${c._id}`);
    expect(page.html).toContain(`<audio class="evidence-audio" controls preload="none" src="/admin/cases/${c._id}/evidence/${message._id}/0"`);
    const res = await admin.get(`/admin/cases/${c._id}/evidence/${message._id}/0`);
    expect(res.headers.get('content-type')).toBe('audio/ogg');
  });

  it('when Telegram no longer has the file, then the page says it could not be fetched, without showing the platform\'s reference', async () => {
    const c = await reportWith((child) =>
      child.sends((api, chatId) => {
        const update = api.userSendsPhoto(chatId);
        api.files.clear(); // getFile now answers "invalid file_id", a refusal for good
        return update;
      }),
    );
    expect(await settledBlob(c._id)).toMatchObject({ status: 'failed', lastError: '400: Bad Request: invalid file_id' });
    const message = await fileMessage(c._id);
    const page = await admin.get(`/admin/cases/${c._id}`);
    expect(page.html).toContain(vi('admin.cases.conversation.evidence_failed'));
    expect(page.html).not.toContain(message.attachments[0]!.ref);
    expect(page.html).not.toContain('<img class="evidence-photo"');
    expect((await admin.get(`/admin/cases/${c._id}/evidence/${message._id}/0`)).status).toBe(404);
  });
});
