/**
 * A real local SMTP server (the `smtp-server` package) on loopback: it keeps every message that
 * arrived, whole, and reads it back as a person's mail program would (the subject's encoded
 * words and the quoted-printable or base64 body decoded as UTF-8). `refuse` lists addresses it
 * answers 550 (no such mailbox), a refusal for good; `defer` answers 451 (try again later) the
 * first n times an address is tried.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  raw: string;
  /** The Subject header, decoded. */
  subject: string;
  /** The plain-text body, decoded. */
  text: string;
}

export interface LocalSmtp {
  mails: ReceivedMail[];
  url: string;
  stop(): Promise<void>;
}

/** RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`), decoded and joined. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_m, enc: string, data: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : decodeQuotedPrintable(data.replace(/_/g, ' ')),
    );
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => `%${hex}`);
  // Percent-encode what is not already, then decode the whole as UTF-8 bytes.
  return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'));
}

/** Reads a single-part text message: its subject and its body, decoded. */
export function readMail(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1] ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text = encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : body;
  return { subject: decodeWords(header('Subject')), text: text.replace(/\r\n/g, '\n') };
}

export async function startSmtp(options: { refuse?: string[]; defer?: Record<string, number> } = {}): Promise<LocalSmtp> {
  const mails: ReceivedMail[] = [];
  const refused = new Set((options.refuse ?? []).map((a) => a.toLowerCase()));
  const deferred = new Map(Object.entries(options.defer ?? {}).map(([a, n]) => [a.toLowerCase(), n]));
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const to = address.address.toLowerCase();
      const later = deferred.get(to) ?? 0;
      if (later > 0) {
        deferred.set(to, later - 1);
        return callback(Object.assign(new Error('4.3.0 Try again later'), { responseCode: 451 }));
      }
      if (!refused.has(to)) return callback();
      callback(Object.assign(new Error('5.1.1 No such mailbox'), { responseCode: 550 }));
    },
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, ...readMail(raw) });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    mails,
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
