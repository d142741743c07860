import nodemailer, { type Transporter } from 'nodemailer';
import type { DeliveryResult } from '../bot/channels/channel.js';
import type { OutboxMessage, OutboxSender } from '../outbox/outbox.service.js';

/**
 * Staff e-mail through SMTP (nodemailer), as an outbox sender: a failed send is retried with
 * the outbox's backoff; a refusal for good (an SMTP 5xx answer, e.g. no such mailbox) marks
 * the message undelivered, which the admins see on the notifications page.
 */
export class EmailSender implements OutboxSender {
  readonly channel = 'email' as const;
  private readonly transport: Transporter;

  constructor(smtpUrl: string, private readonly from: string) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(address: string, message: OutboxMessage): Promise<DeliveryResult> {
    try {
      await this.transport.sendMail({ from: this.from, to: address, subject: message.subject ?? message.text.split('\n')[0], text: message.text });
      return { ok: true };
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      return { ok: false, permanent: typeof code === 'number' && code >= 500, error: `smtp_${code ?? (err as { code?: string }).code ?? 'failed'}` };
    }
  }

  close() {
    this.transport.close();
  }
}
