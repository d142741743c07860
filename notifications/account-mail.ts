import { tr } from '../locales/i18n.js';
import type { Staff } from '../models/index.js';

/** An e-mail about a person's own back-office account. */
export type AccountMail =
  | { kind: 'invitation' | 'new_link'; link: string; days: number }
  | { kind: 'two_factor_reset'; loginUrl: string };

/**
 * The words of an account e-mail, in Vietnamese: the person's name, what happened, what to do
 * and the link — the one-time link is the only secret in it (no password, code or secret).
 */
export function accountMailText(person: Pick<Staff, 'name'>, mail: AccountMail): { subject: string; text: string } {
  const t = tr('vi');
  const params = { ...mail, name: person.name };
  return { subject: `[Hộp Thư Xanh] ${t(`mail.${mail.kind}.subject`)}`, text: t(`mail.${mail.kind}.text`, params) };
}
