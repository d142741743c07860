import type { DataCipher } from '../app/crypto.js';
import type { Outbox } from '../outbox/outbox.service.js';
import type { ReportNotifier } from './report-reminder.job.js';

/**
 * Report reminders to the staff Telegram group, through the outbox (retried, sent once per
 * dedupe key). Used until the staff notification service (in-app, group, e-mail) is on main.
 */
export class StaffGroupNotifier implements ReportNotifier {
  constructor(
    private readonly outbox: Outbox,
    private readonly cipher: DataCipher,
    private readonly target: () => { channel: 'telegram'; chatId: string } | null,
  ) {}

  async notifyCoordinators(input: { text: string; dedupeKey: string }): Promise<void> {
    const target = this.target();
    if (!target) return;
    await this.outbox.enqueue([
      { channel: target.channel, addressEnc: this.cipher.encrypt(target.chatId), recipientKey: `staff:${target.channel}`, message: { text: input.text }, dedupeKey: input.dedupeKey },
    ]);
  }
}
