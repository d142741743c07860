import type { TFunction } from 'i18next';
import { LANGUAGES, tr, type Lang } from '../../locales/i18n.js';
import { CANNED_REPLY_AUDIENCES, CANNED_REPLY_LIMITS, type CannedReply, type CannedReplyAudience } from '../../models/index.js';

/** The shipped canned replies, offered until an admin saves a list. */
export const SHIPPED_CANNED_REPLIES = ['refer_111', 'emergency', 'thanks', 'trusted_adult'] as const;

/**
 * The shipped canned replies, one of each for a child and for an adult (a parent, a teacher…),
 * in each language the bot speaks: titled in the staff member's language, written in the
 * writer's (`admin.canned.shipped.<key>.text`, `text_adult` for an adult).
 */
export function shippedCannedReplies(t: TFunction): CannedReply[] {
  return LANGUAGES.flatMap((lang) =>
    CANNED_REPLY_AUDIENCES.flatMap((audience) =>
      SHIPPED_CANNED_REPLIES.map((k) => ({
        title: t(`admin.canned.shipped.${k}.title`),
        text: tr(lang)(`admin.canned.shipped.${k}.text`, audience === 'adult' ? { context: 'adult' } : {}),
        audience,
        lang,
      })),
    ),
  );
}

/** Who a case's answer is written to: the reporter's role, and the language the writer reads. */
export interface ReplyReader {
  audience: CannedReplyAudience;
  lang: Lang;
}

const fits = (r: CannedReply, reader: ReplyReader) => (!r.audience || r.audience === reader.audience) && (!r.lang || r.lang === reader.lang);

/**
 * The canned replies the reply box offers for a case: those of the saved list (else the shipped
 * one) that fit its writer — a child or an adult, and their language; a reply marked for neither
 * fits everyone. When the saved list has none that fit, the shipped ones that fit are offered.
 */
export function offeredCannedReplies(saved: CannedReply[], reader: ReplyReader, t: TFunction): CannedReply[] {
  const fitting = saved.filter((r) => fits(r, reader));
  return fitting.length ? fitting : shippedCannedReplies(t).filter((r) => fits(r, reader));
}

/** The words of a tag in the title line, in either language: "[người lớn]", "[adult]", "[en]". */
function tagWords(): Map<string, Partial<Pick<CannedReply, 'audience' | 'lang'>>> {
  const words = new Map<string, Partial<Pick<CannedReply, 'audience' | 'lang'>>>();
  for (const lang of LANGUAGES) {
    words.set(lang, { lang });
    for (const ui of LANGUAGES) {
      for (const audience of CANNED_REPLY_AUDIENCES) words.set(tr(ui)(`admin.canned.tags.${audience}`).toLowerCase(), { audience });
      words.set(tr(ui)(`admin.canned.tags.lang_${lang}`).toLowerCase(), { lang });
    }
  }
  return words;
}
const TAGS = tagWords();
const LEADING_TAG = /^\s*\[([^\]]{1,30})\]/;

/** The canned replies as an admin edits them: blocks separated by a line `---`, the first line of each its title, after its tags. */
export function formatCannedText(replies: CannedReply[], t: TFunction): string {
  const tags = (r: CannedReply) => [r.audience ? `[${t(`admin.canned.tags.${r.audience}`)}]` : '', r.lang ? `[${r.lang}]` : ''].filter(Boolean).join(' ');
  return replies.map((r) => `${[tags(r), r.title].filter(Boolean).join(' ')}\n${r.text}`).join('\n---\n');
}

export type CannedTextError = { key: 'no_text' | 'no_title' | 'too_long' | 'too_many' | 'bad_tag'; block?: number; tag?: string };

/** Reads a title line's leading tags ("[người lớn] [en] Gọi 111"): who and which language the reply is for. */
function readTitle(line: string): { title: string; audience: CannedReplyAudience | null; lang: Lang | null } | { badTag: string } {
  let rest = line.trim();
  let audience: CannedReplyAudience | null = null;
  let lang: Lang | null = null;
  for (let m = LEADING_TAG.exec(rest); m; m = LEADING_TAG.exec(rest)) {
    const tag = TAGS.get(m[1]!.trim().toLowerCase());
    if (!tag) return { badTag: m[1]!.trim() };
    audience = tag.audience ?? audience;
    lang = tag.lang ?? lang;
    rest = rest.slice(m[0].length).trim();
  }
  return { title: rest, audience, lang };
}

/** Reads the edited text back into replies; empty text gives an empty list (the shipped ones are offered again). */
export function parseCannedText(text: string): { replies: CannedReply[] } | { error: CannedTextError } {
  const blocks = text.split(/^\s*---\s*$/m).map((b) => b.trim()).filter(Boolean);
  if (blocks.length > CANNED_REPLY_LIMITS.count) return { error: { key: 'too_many' } };
  const replies: CannedReply[] = [];
  for (const [i, block] of blocks.entries()) {
    const [first = '', ...rest] = block.split(/\r?\n/);
    const head = readTitle(first);
    if ('badTag' in head) return { error: { key: 'bad_tag', block: i + 1, tag: head.badTag } };
    const body = rest.join('\n').trim();
    if (!head.title) return { error: { key: 'no_title', block: i + 1 } };
    if (!body) return { error: { key: 'no_text', block: i + 1 } };
    if (head.title.length > CANNED_REPLY_LIMITS.title || body.length > CANNED_REPLY_LIMITS.text) return { error: { key: 'too_long', block: i + 1 } };
    replies.push({ title: head.title, text: body, ...(head.audience ? { audience: head.audience } : {}), ...(head.lang ? { lang: head.lang } : {}) });
  }
  return { replies };
}
