import type { DataCipher } from '../app/crypto.js';
import type { Logger } from '../app/logger.js';
import { MINUTE_MS } from '../app/time.js';
import { CaseModel, NotificationModel, OutboxModel, StaffModel, type Notification, type OutboxItem, type Staff } from '../models/index.js';
import type { Outbox } from '../outbox/outbox.service.js';
import { isDuplicateKey, type Store } from '../store/index.js';
import { notificationText } from './notification-text.js';

/** The ways staff hear about something. In-app is always on. */
export type AlertChannel = 'backoffice' | 'telegram' | 'email';

/** One thing to tell staff. */
export interface StaffAlert {
  /** Unique per occurrence: an alert with a key already sent is not sent again (e.g. `ladder:<caseId>:<n>`). */
  key: string;
  /** The sentence, `notify.events.<event>` in the locales. */
  event: string;
  /** Its values: codes, kinds, dates as ISO text — never a child's words. */
  params: Record<string, string | number | boolean | null>;
  caseId: string | null;
  /** A back-office path, e.g. `/admin/cases/<id>`. */
  link: string;
  urgent: boolean;
  recipients: Staff[];
  /** Also to the staff Telegram group (when one is set and the bot runs). */
  group: boolean;
  /** False: not by e-mail either (the alert that an e-mail failed). By default, e-mail to those who keep it on. */
  email?: boolean;
}

/** Which channels an alert went out on, and to how many people. */
export interface AlertReport {
  channels: AlertChannel[];
  recipients: number;
}

export interface NotificationDeps {
  store: Store;
  outbox: Outbox;
  cipher: DataCipher;
  logger: Logger;
  /** The staff Telegram group in force (settings, else the environment); undefined when none. */
  staffGroup: () => string | undefined;
  /** The public base URL, for links in Telegram and e-mail. */
  publicUrl: () => string;
  /** True when SMTP is configured (an e-mail sender is registered on the outbox). */
  emailOn: boolean;
  clock?: () => Date;
}

/** Someone whose back office asked for news this recently is watching it. */
export const WATCHING_MS = 10 * MINUTE_MS;
const PAGE_SIZE = 30;
/** The outbox recipient keys of staff alerts start with this. */
export const STAFF_RECIPIENT = 'staff:';

/**
 * Staff notifications, three ways: stored for the back office (bell, page, live inbox), the
 * staff Telegram group, and e-mail to those who keep it on. Telegram and e-mail go through the
 * outbox (retried; a failure is shown to admins), so a send never blocks the caller.
 * Small API for other features (report reminders use `send`).
 */
export class NotificationService {
  private readonly clock: () => Date;

  constructor(private readonly deps: NotificationDeps) {
    this.clock = deps.clock ?? (() => new Date());
    deps.outbox.onSettled((item, status) => this.onSettled(item, status));
  }

  private get notifications() {
    return this.deps.store.collection(NotificationModel);
  }

  /** Stores the alert for each recipient and queues the group message and the e-mails. */
  async send(alert: StaffAlert): Promise<AlertReport> {
    const now = this.clock();
    const channels = new Set<AlertChannel>();
    for (const person of alert.recipients) {
      try {
        await this.notifications.insertOne({ staffId: person._id, event: alert.event, params: alert.params, caseId: alert.caseId, link: alert.link, urgent: alert.urgent, dedupeKey: `${alert.key}:${person._id}` });
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      if (person.lastSeenAt && now.getTime() - new Date(person.lastSeenAt).getTime() < WATCHING_MS) channels.add('backoffice');
    }
    const text = (lang: 'vi' | 'en') => `${notificationText({ event: alert.event, params: alert.params, createdAt: now }, lang)}\n${this.deps.publicUrl()}${alert.link}`;
    const group = alert.group ? this.deps.staffGroup() : undefined;
    if (group && this.deps.outbox.connectedChannels().includes('telegram')) {
      await this.deps.outbox.enqueue([{ channel: 'telegram', addressEnc: this.deps.cipher.encrypt(group), recipientKey: `${STAFF_RECIPIENT}telegram`, message: { text: text('vi') }, dedupeKey: `group:${alert.key}` }]);
      channels.add('telegram');
    }
    const mailed = this.deps.emailOn && alert.email !== false ? alert.recipients.filter((p) => p.emailAlerts !== false) : [];
    await this.deps.outbox.enqueue(
      mailed.map((p) => ({
        channel: 'email' as const,
        addressEnc: this.deps.cipher.encrypt(p.email),
        recipientKey: `${STAFF_RECIPIENT}email:${p._id}`,
        message: { subject: `[Hộp Thư Xanh] ${text('vi').split('\n')[0]}`, text: text('vi') },
        dedupeKey: `email:${alert.key}:${p._id}`,
      })),
    );
    if (mailed.length) channels.add('email');
    return { channels: [...channels], recipients: alert.recipients.length };
  }

  /**
   * An e-mail about a person's own account (an invitation, a new set-password link, a reset of
   * the second factor), through the outbox like the alerts: retried, a failure shown to admins,
   * never blocking the caller. Its text waits sealed (it may carry a one-time link). Sent even to
   * someone who turned alert e-mail off. False when SMTP is not set up (nothing is queued).
   */
  async mailStaff(person: Pick<Staff, '_id' | 'email'>, mail: { subject: string; text: string }): Promise<boolean> {
    if (!this.deps.emailOn) return false;
    await this.deps.outbox.enqueue([
      {
        channel: 'email',
        addressEnc: this.deps.cipher.encrypt(person.email),
        recipientKey: `${STAFF_RECIPIENT}email:${person._id}`,
        message: { subject: mail.subject, text: this.deps.cipher.encrypt(mail.text), sealed: true },
      },
    ]);
    return true;
  }

  /**
   * The channels an urgent alert would reach someone through right now: the staff Telegram
   * group (set, the bot running, and its last alert not refused), e-mail (SMTP set and a
   * coordinator or admin keeping it on), the back office (a coordinator or admin has it open:
   * it asked for news within 10 minutes). Empty: nobody will hear of it soon, and the child
   * must be told so.
   */
  async reach(): Promise<AlertChannel[]> {
    const out: AlertChannel[] = [];
    if (this.deps.staffGroup() && this.deps.outbox.connectedChannels().includes('telegram') && !(await this.groupRefusedLast())) out.push('telegram');
    const staff = this.deps.store.collection(StaffModel);
    const managers = { active: true, passwordHash: { $ne: null }, role: { $in: ['coordinator', 'admin'] } };
    if (this.deps.emailOn && (await staff.count({ ...managers, emailAlerts: { $ne: false } })) > 0) out.push('email');
    const since = new Date(this.clock().getTime() - WATCHING_MS);
    if ((await staff.count({ ...managers, lastSeenAt: { $gte: since } })) > 0) out.push('backoffice');
    return out;
  }

  /**
   * True when the staff group's last alert that settled was refused for good (a wrong chat id,
   * the bot removed from the group): the group reaches nobody until an alert gets through again.
   */
  private async groupRefusedLast(): Promise<boolean> {
    const last = await this.deps.store
      .collection(OutboxModel)
      .findOne({ recipientKey: `${STAFF_RECIPIENT}telegram`, status: { $in: ['sent', 'undelivered'] } }, { sort: { seq: -1 } });
    return last?.status === 'undelivered';
  }

  /** Notes that a staff member's back office is open (the bell asked for news); written at most once a minute. */
  async seen(staffId: string): Promise<void> {
    const now = this.clock();
    await this.deps.store
      .collection(StaffModel)
      .findOneAndUpdate({ _id: staffId, $or: [{ lastSeenAt: null }, { lastSeenAt: { $lt: new Date(now.getTime() - MINUTE_MS) } }] }, { $set: { lastSeenAt: now } });
  }

  /** A person's own choice: alert e-mails (urgent cases, the ladder) on or off. In-app stays on. */
  async setEmailAlerts(staffId: string, on: boolean): Promise<void> {
    await this.deps.store.collection(StaffModel).findOneAndUpdate({ _id: staffId }, { $set: { emailAlerts: on } });
  }

  unreadCount(staffId: string): Promise<number> {
    return this.notifications.count({ staffId, readAt: null });
  }

  /** A person's notifications, newest first. */
  async list(staffId: string, page = 1): Promise<{ items: Notification[]; total: number; pageSize: number }> {
    const [items, total] = await Promise.all([
      this.notifications.find({ staffId }, { sort: { createdAt: -1, _id: -1 }, skip: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE }),
      this.notifications.count({ staffId }),
    ]);
    return { items, total, pageSize: PAGE_SIZE };
  }

  /** The newest unread ones (for the bell's live updates). */
  latestUnread(staffId: string, limit = 5): Promise<Notification[]> {
    return this.notifications.find({ staffId, readAt: null }, { sort: { createdAt: -1, _id: -1 }, limit });
  }

  /** Marks one notification (or, with null, all of them) read. */
  async markRead(staffId: string, id: string | null): Promise<void> {
    await this.notifications.updateMany({ staffId, readAt: null, ...(id ? { _id: id } : {}) }, { $set: { readAt: this.clock() } });
  }

  /** Changes whenever any case changes (a new one, an answer, a ladder step at a deadline): the live inbox refreshes then. */
  async casesVersion(): Promise<string | null> {
    const newest = await this.deps.store.collection(CaseModel).findOne({}, { sort: { updatedAt: -1 } });
    return newest ? new Date(newest.updatedAt).toISOString() : null;
  }

  /**
   * Staff alerts and account e-mails by Telegram or e-mail that are being retried or were
   * refused, newest first (for admins), each with the name of the person an e-mail was for.
   */
  async failedDeliveries(limit = 20): Promise<(OutboxItem & { recipientName: string | null })[]> {
    const items = await this.deps.store.collection(OutboxModel).find(
      { recipientKey: { $regex: `^${STAFF_RECIPIENT}` }, $or: [{ status: 'undelivered' }, { status: 'pending', attempts: { $gt: 0 } }] },
      { sort: { updatedAt: -1 }, limit },
    );
    const mailPrefix = `${STAFF_RECIPIENT}email:`;
    const staffIdOf = (item: OutboxItem) => (item.recipientKey.startsWith(mailPrefix) ? item.recipientKey.slice(mailPrefix.length) : null);
    const ids = [...new Set(items.map(staffIdOf).filter((id): id is string => id !== null))];
    const people = ids.length ? await this.deps.store.collection(StaffModel).find({ _id: { $in: ids } }) : [];
    const names = new Map(people.map((p) => [p._id, p.name]));
    return items.map((item) => ({ ...item, recipientName: names.get(staffIdOf(item) ?? '') ?? null }));
  }

  /** A staff alert refused for good: the admins are told in the back office (not by e-mail when e-mail is what failed). */
  private async onSettled(item: OutboxItem, status: 'sent' | 'undelivered') {
    if (status !== 'undelivered' || !item.recipientKey.startsWith(STAFF_RECIPIENT)) return;
    this.deps.logger.warn({ outboxId: item._id, channel: item.channel }, 'staff alert undelivered');
    const admins = await this.deps.store.collection(StaffModel).find({ active: true, role: 'admin' });
    await this.send({ key: `failed:${item._id}`, event: 'alert_failed', params: { channel: item.channel }, caseId: null, link: '/admin/notifications#failed', urgent: false, recipients: admins, group: false, email: item.channel !== 'email' });
  }
}
