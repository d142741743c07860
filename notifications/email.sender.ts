import nodemailer, { type Transporter } from 'nodemailer';
import type { DeliveryResult } from '../bot/channels/channel.js';
import type { OutboxMessage, OutboxSender } from '../outbox/outbox.service.js';

/**
 * Staff e-mail through SMTP (nodemailer), as an outbox sender: a failed send is retried with
 * the outbox's backoff; a refusal for good (an SMTP 5xx answer, e.g. no such mailbox) marks
 * the message undelivered, which the admins see on the notifications page. A sealed text (an
 * account e-mail with a one-time link) is opened with `unseal` just before it is sent.
 */
export class EmailSender implements OutboxSender {
  readonly channel = 'email' as const;
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    private readonly unseal?: (sealed: string) => string,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(address: string, message: OutboxMessage): Promise<DeliveryResult> {
    const text = message.sealed ? this.open(message.text) : message.text;
    if (text === null) return { ok: false, permanent: true, error: 'sealed_text_unreadable' };
    try {
      await this.transport.sendMail({ from: this.from, to: address, subject: message.subject ?? text.split('\n')[0], text });
      return { ok: true };
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      return { ok: false, permanent: typeof code === 'number' && code >= 500, error: `smtp_${code ?? (err as { code?: string }).code ?? 'failed'}` };
    }
  }

  private open(sealed: string): string | null {
    try {
      return this.unseal ? this.unseal(sealed) : null;
    } catch {
      return null;
    }
  }

  close() {
    this.transport.close();
  }
}
