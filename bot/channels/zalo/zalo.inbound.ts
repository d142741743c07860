import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../../../app/logger.js';
import type { InboundMessage } from '../channel.js';

/** The logging the Zalo adapter needs; a pino logger fits. Never given text, ids or the token. */
export type ZaloLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

const id = z.union([z.string().min(1), z.number()]).transform(String);

// The fields we read; zod drops the rest (`from.display_name`, `first_name`, …), so a child's
// name can never travel past this edge. A message may lack any of them: parse defensively.
const messageSchema = z.object({
  message_id: id.optional(),
  date: z.number().optional(),
  chat: z.object({ id, chat_type: z.string().optional() }).optional(),
  from: z.object({ id: id.optional(), is_bot: z.boolean().optional() }).optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.string().optional(),
  photo_url: z.string().optional(),
  url: z.string().optional(),
  voice: z.string().optional(),
  voice_url: z.string().optional(),
  sticker: z.string().optional(),
});

/** One update: `{event_name, message?}` (a webhook body is this inside `{ok, result}` at times). */
export const zaloUpdateSchema = z.object({
  event_name: z.string().min(1).max(100),
  message: z.unknown().optional(),
});

/** A webhook body or a getUpdates result: the update itself, or wrapped in `{ok, result}`. */
export const zaloBodySchema = z.union([zaloUpdateSchema, z.object({ ok: z.boolean().optional(), result: zaloUpdateSchema }).transform((b) => b.result)]);

export type ZaloUpdate = z.infer<typeof zaloUpdateSchema>;

/**
 * Turns one Zalo update into an {@link InboundMessage}, or `null` when it is nothing a child said
 * to the bot in a private chat (groups, bots, follows, reactions, an update without a chat).
 * Dedupe key: event name and message id (a hash of the event when Zalo gives no id). A file's
 * URL may open the file for anyone who has it: it travels sealed (`sealRef`), opened only by
 * `ZaloFiles`.
 */
export function toInboundMessage(update: ZaloUpdate, sealRef: (url: string) => string, logger?: ZaloLogger): InboundMessage | null {
  const ignore = (reason: string) => {
    logger?.debug({ event: update.event_name, reason }, 'zalo update ignored');
    return null;
  };
  const parsed = messageSchema.safeParse(update.message ?? {});
  if (!parsed.success) return ignore('unreadable_message');
  const m = parsed.data;
  if (!m.chat) return ignore('no_chat');
  if (m.chat.chat_type && m.chat.chat_type !== 'PRIVATE') return ignore('group_chat');
  if (m.from?.is_bot) return ignore('from_a_bot');
  // Options reach a Zalo chat as numbered lines (zalo.sender.ts): a typed number chooses one.
  const base = { channel: 'zalo' as const, updateId: updateIdOf(update, m.message_id), chatId: m.chat.id, attachments: [], numberedOptions: true };
  switch (update.event_name) {
    case 'message.text.received':
      return m.text !== undefined ? { ...base, text: m.text } : ignore('no_text');
    case 'message.image.received': {
      const url = m.photo ?? m.photo_url ?? m.url;
      const caption = m.caption ?? m.text;
      return url ? { ...base, attachments: [{ kind: 'photo', ref: sealRef(url) }], ...(caption ? { text: caption } : {}) } : { ...base, unsupported: true };
    }
    case 'message.voice.received': {
      const url = m.voice ?? m.voice_url ?? m.url;
      return url ? { ...base, attachments: [{ kind: 'voice', ref: sealRef(url) }] } : { ...base, unsupported: true };
    }
    case 'message.sticker.received':
      // Not evidence, and nothing to fetch: the conversation thanks the child for it.
      return { ...base, attachments: [{ kind: 'sticker', ref: 'zalo-sticker' }] };
    case 'message.unsupported.received':
      // Zalo withholds the content of "special" users, children among them.
      return { ...base, unsupported: true };
    default:
      return ignore('unsupported_event');
  }
}

function updateIdOf(update: ZaloUpdate, messageId: string | undefined): string {
  if (messageId) return `${update.event_name}:${messageId}`;
  return `${update.event_name}:h${createHash('sha256').update(JSON.stringify(update)).digest('base64url').slice(0, 22)}`;
}
