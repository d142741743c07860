/**
 * Reply mode, on every channel: a child who reads a counsellor's question by the case code (here
 * on a chat other than the one the case came from) answers it; the answer is on the case page
 * and puts the case back in front of staff.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tr } from '../../locales/i18n.js';
import { CaseModel, ConversationModel, MessageModel, NotificationModel, type Case } from '../../models/index.js';
import { notificationText } from '../../notifications/notification-text.js';
import { REPLY_MODE_IDLE_MS } from '../../bot/conversation/reply-mode.js';
import { AdminClient, createStaffAccount } from '../helpers/admin-client.js';
import { startChannelWorld, type ChannelChild, type ChannelDriver, type ChannelWorld } from './channel-drivers.js';

const vi = tr('vi');
const PASSWORD = 'a long enough password';
const QUESTION = 'Em có người lớn nào tin tưởng không?';
const ANSWER = 'dạ em có bà ngoại ở gần nhà ạ';
const joined = (texts: string[]) => texts.join('\n');

let world: ChannelWorld;
let lan: AdminClient;
let lanId: string;
let n = 0;

beforeAll(async () => {
  world = await startChannelWorld({ STAFF_2FA: 'optional' });
  const { staff } = await createStaffAccount(world.app, { email: 'lan@example.test', password: PASSWORD, name: 'Lan', role: 'counsellor', areas: ['Hà Nội'], twoFactor: false });
  lanId = staff._id;
  lan = new AdminClient(world.app.url);
  expect((await lan.signIn('lan@example.test', PASSWORD)).status).toBe(303);
});
afterAll(async () => {
  await world?.close();
});

const driver = (name: string): ChannelDriver => world.drivers.find((d) => d.channel === name)!;
const cases = () => world.app.store.collection(CaseModel);
const caseOf = async (id: string) => (await cases().findOne({ _id: id })) as Case;
const childWords = async (id: string) => (await world.app.store.collection(MessageModel).find({ caseId: id, author: 'child' })).map((m) => m.text);

/** A case from the child's first device, assigned to Lan, whom Lan asks a question through the back office. */
async function answeredCase(writer: { about?: string; reporterRole?: string } = {}): Promise<Case> {
  const c = await world.app.cases.openCase({
    kind: 'report',
    channel: 'web',
    contactId: `first-device-${++n}`,
    fields: { area: { province: 'Hà Nội' }, ...writer },
    urgentReasons: [],
    texts: ['Bố em hay say rượu và quát em'],
    attachments: [],
  });
  await cases().findOneAndUpdate({ _id: c._id }, { $set: { assigneeId: lanId } });
  expect((await lan.postForm(`/admin/cases/${c._id}/reply`, { text: QUESTION })).status).toBe(303);
  return caseOf(c._id);
}

/** A child on another device who types the case code. */
async function readsByCode(name: string, c: Case): Promise<{ child: ChannelChild; heard: string[] }> {
  const child = driver(name).child();
  const heard = await child.says(c.code);
  return { child, heard };
}

describe.each(['telegram', 'zalo', 'web'] as const)('reply mode, on %s', (name) => {
  it("lets a child who reads the counsellor's question by the code answer it, and shows the answer to the counsellor", async () => {
    const c = await answeredCase();
    expect(c.firstResponseAt).not.toBeNull();
    const { child, heard } = await readsByCode(name, c);
    expect(joined(heard)).toContain(QUESTION);
    expect(joined(heard)).toContain(vi('reply.prompt', { code: c.code }));
    expect(child.options()).toEqual(expect.arrayContaining([vi('reply.done'), vi('bot.button.sos')]));

    const confirmation = joined(await child.says(ANSWER));
    expect(confirmation).toContain(vi('reply.sent', { code: c.code }));
    expect(confirmation).toContain('111');
    expect(await childWords(c._id)).toContain(ANSWER);
    const page = await lan.get(`/admin/cases/${c._id}`);
    expect(page.html).toContain(ANSWER);
    expect(page.html).toContain(vi('admin.cases.child_waiting'));

    await child.says('bà hay đón em sau giờ học');
    expect(await childWords(c._id)).toEqual(expect.arrayContaining([ANSWER, 'bà hay đón em sau giờ học']));
    const left = joined(await child.chooses(vi('reply.done')));
    expect(left).toContain(vi('reply.left'));
    expect(child.options()).toContain(vi('bot.menu.report'));
    await child.says('em muốn kể chuyện khác ở trường');
    expect(await childWords(c._id)).not.toContain('em muốn kể chuyện khác ở trường');
  });
});

describe('reply mode (Telegram)', () => {
  it('puts an answered case back in front of staff: new activity, a new deadline and the ladder, until the counsellor answers again', async () => {
    const c = await answeredCase();
    const before = new Date();
    const { child } = await readsByCode('telegram', c);
    await child.says(ANSWER);
    const waiting = await caseOf(c._id);
    expect(waiting.lastChildMessageAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(waiting.childWaitingSince!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    // A report's first-response time (12 hours), counted from the child's answer.
    expect(waiting.replyDueAt!.getTime() - waiting.childWaitingSince!.getTime()).toBe(12 * 60 * 60_000);
    expect(waiting.nextReminderAt).not.toBeNull();
    const inbox = await lan.get('/admin/cases');
    expect(inbox.html).toContain(vi('admin.cases.child_waiting'));

    await child.says('bà ở ngay cạnh nhà em');
    expect((await caseOf(c._id)).replyDueAt).toEqual(waiting.replyDueAt);

    expect((await lan.postForm(`/admin/cases/${c._id}/reply`, { text: 'Em kể với bà nhé.' })).status).toBe(303);
    expect(await caseOf(c._id)).toMatchObject({ childWaitingSince: null, replyDueAt: null });
    expect((await lan.get(`/admin/cases/${c._id}`)).html).not.toContain(vi('admin.cases.child_waiting'));
  });

  it('still shows the emergency numbers and makes the case urgent when the answer holds words of danger, alerting staff that the case became urgent', async () => {
    const { staff: admin } = await createStaffAccount(world.app, { email: 'admin-urgent@example.test', password: PASSWORD, role: 'admin', twoFactor: false });
    const c = await answeredCase();
    const { child } = await readsByCode('telegram', c);

    const answer = joined(await child.says('bố em lại đánh em đau lắm'));

    expect(answer).toContain('111');
    expect(answer).toMatch(/113|115/);
    expect(await childWords(c._id)).toContain('bố em lại đánh em đau lắm');
    expect((await caseOf(c._id)).priority).toBe('urgent');
    // The admin's alert says this known case became urgent, not that a case just arrived.
    const alerts = await world.app.store.collection(NotificationModel).find({ caseId: c._id, staffId: admin._id });
    expect(alerts.map((a) => a.event)).toEqual(['became_urgent']);
    const text = notificationText(alerts[0]!, 'vi');
    expect(text).toContain(c.code);
    expect(text).toContain('vừa chuyển thành KHẨN CẤP');
    expect(text).not.toContain('vừa đến');
  });

  it("labels a parent's messages on the case page as the parent's, not a child's", async () => {
    const c = await answeredCase({ about: 'other_child', reporterRole: 'parent' });
    const { child: parent } = await readsByCode('telegram', c);
    await parent.says('Cháu nói với tôi là bố cháu vẫn quát cháu mỗi tối.');
    const html = (await lan.get(`/admin/cases/${c._id}`)).html;
    const thread = html.slice(html.indexOf('<ol class="thread">'), html.indexOf('</ol>', html.indexOf('<ol class="thread">')));
    expect(thread).toContain('Cháu nói với tôi là bố cháu vẫn quát cháu mỗi tối.');
    expect(thread).toContain(vi('admin.cases.senders.parent'));
    expect(thread).not.toContain(vi('admin.cases.authors.child'));
  });

  it('leaves reply mode when the child types "xong", and on "menu"', async () => {
    const c = await answeredCase();
    const { child } = await readsByCode('telegram', c);
    expect(joined(await child.says('xong'))).toContain(vi('reply.left'));
    await child.says('một chuyện khác nữa');
    expect(await childWords(c._id)).not.toContain('một chuyện khác nữa');

    await child.says(c.code);
    await child.says('menu');
    await child.says('lại một chuyện khác');
    expect(await childWords(c._id)).not.toContain('lại một chuyện khác');
  });

  it('ends reply mode by itself after a silence, and the next words are not put on the case', async () => {
    const c = await answeredCase();
    const { child } = await readsByCode('telegram', c);
    const conversations = world.app.store.collection(ConversationModel);
    const conv = (await conversations.find({ step: 'reply' })).find((v) => v.reply?.caseId === c._id)!;
    const lastAt = new Date(Date.now() - REPLY_MODE_IDLE_MS - 60_000);
    await conversations.findOneAndUpdate({ _id: conv._id }, { $set: { reply: { ...conv.reply!, lastAt } } });

    const heard = joined(await child.says('em quay lại rồi, em muốn kể thêm'));

    expect(heard).toContain(vi('bot.held_prompt'));
    expect(await childWords(c._id)).not.toContain('em quay lại rồi, em muốn kể thêm');
  });

  it('says a closed case is closed and offers a new report instead of reply mode', async () => {
    const c = await answeredCase();
    await cases().findOneAndUpdate({ _id: c._id }, { $set: { status: 'closed', closedAt: new Date() } });
    const { child, heard } = await readsByCode('telegram', c);

    expect(joined(heard)).toContain(vi('reply.closed', { code: c.code }));
    expect(child.options()).toEqual(expect.arrayContaining([vi('reply.new_report'), vi('bot.button.sos')]));
    expect(joined(await child.chooses(vi('reply.new_report')))).toContain(vi('bot.q.danger'));

    const again = (await readsByCode('telegram', c)).child;
    expect(joined(await again.says('em muốn kể thêm'))).toContain(vi('bot.held_prompt'));
    expect(await childWords(c._id)).not.toContain('em muốn kể thêm');
    expect((await caseOf(c._id)).status).toBe('closed');
  });
});
