import type { TFunction } from 'i18next';
import { CANNED_REPLY_LIMITS, type CannedReply } from '../../models/index.js';

/** The shipped canned replies, in the staff member's language, offered until an admin saves a list. */
export const SHIPPED_CANNED_REPLIES = ['refer_111', 'emergency', 'thanks', 'trusted_adult'] as const;

export function shippedCannedReplies(t: TFunction): CannedReply[] {
  return SHIPPED_CANNED_REPLIES.map((k) => ({ title: t(`admin.canned.shipped.${k}.title`), text: t(`admin.canned.shipped.${k}.text`) }));
}

/** The canned replies as an admin edits them: blocks separated by a line `---`, the first line of each its title. */
export function formatCannedText(replies: CannedReply[]): string {
  return replies.map((r) => `${r.title}\n${r.text}`).join('\n---\n');
}

export type CannedTextError = { key: 'no_text' | 'too_long' | 'too_many'; block?: number };

/** Reads the edited text back into replies; empty text gives an empty list (the shipped ones are offered again). */
export function parseCannedText(text: string): { replies: CannedReply[] } | { error: CannedTextError } {
  const blocks = text.split(/^\s*---\s*$/m).map((b) => b.trim()).filter(Boolean);
  if (blocks.length > CANNED_REPLY_LIMITS.count) return { error: { key: 'too_many' } };
  const replies: CannedReply[] = [];
  for (const [i, block] of blocks.entries()) {
    const [title = '', ...rest] = block.split(/\r?\n/);
    const body = rest.join('\n').trim();
    if (!body) return { error: { key: 'no_text', block: i + 1 } };
    if (title.trim().length > CANNED_REPLY_LIMITS.title || body.length > CANNED_REPLY_LIMITS.text) return { error: { key: 'too_long', block: i + 1 } };
    replies.push({ title: title.trim(), text: body });
  }
  return { replies };
}
