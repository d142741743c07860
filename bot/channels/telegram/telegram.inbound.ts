import { z } from 'zod';
import type { Logger } from '../../../app/logger.js';
import type { Attachment } from '../../../models/index.js';
import type { InboundMessage } from '../channel.js';

/** The logging the Telegram adapter needs; a pino logger fits. Never given text or ids. */
export type TelegramLogger = Pick<Logger, 'debug' | 'warn' | 'error'>;

// Marks a field as present without keeping its value: a contact carries a phone number and a
// location carries where the child is; neither may travel past this edge.
const present = z.unknown().transform(() => true as const).optional();

const chatSchema = z.object({ id: z.number().int(), type: z.string() });
const fileSchema = z.object({ file_id: z.string().min(1), mime_type: z.string().optional() });
const photoSizeSchema = z.object({ file_id: z.string().min(1), width: z.number(), height: z.number(), file_size: z.number().optional() });

// https://core.telegram.org/bots/api#message — only the fields we keep. zod strips the rest
// (`from`, names, usernames), so they cannot leak by accident.
const messageSchema = z.object({
  chat: chatSchema,
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(photoSizeSchema).min(1).optional(),
  voice: fileSchema.optional(),
  audio: fileSchema.optional(),
  video: fileSchema.optional(),
  video_note: fileSchema.optional(),
  document: fileSchema.optional(),
  sticker: z.object({ file_id: z.string().min(1), is_animated: z.boolean().optional(), is_video: z.boolean().optional() }).optional(),
  contact: present,
  location: present,
  venue: present,
  poll: present,
  dice: present,
  game: present,
  story: present,
});
type TelegramMessage = z.infer<typeof messageSchema>;

// https://core.telegram.org/bots/api#callbackquery
const callbackQuerySchema = z.object({
  id: z.string().min(1),
  data: z.string().optional(),
  message: z.object({ chat: chatSchema }).optional(),
});

/** The update types {@link toInboundMessage} reads; Telegram is asked for these only. */
export const TELEGRAM_ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/**
 * The envelope every Bot API update has: https://core.telegram.org/bots/api#update. Other keys
 * (the update's one payload) are kept for {@link toInboundMessage} to pick from.
 */
export const telegramUpdateSchema = z.looseObject({ update_id: z.number().int().nonnegative() });

/**
 * Turns a raw Bot API update into one {@link InboundMessage}, or `null` when it is not something
 * a child said to the bot in a private chat (edited messages, groups, channel posts, membership
 * changes, service messages…). Never reads names, usernames or phone numbers.
 */
export function toInboundMessage(update: unknown, logger?: TelegramLogger): InboundMessage | null {
  const envelope = telegramUpdateSchema.safeParse(update);
  if (!envelope.success) {
    logger?.debug({ reason: 'not_an_update' }, 'telegram update ignored');
    return null;
  }
  const raw = envelope.data;
  const updateId = String(raw.update_id);
  const updateType = Object.keys(raw).find((key) => key !== 'update_id') ?? 'none';
  const ignore = (reason: string) => {
    logger?.debug({ updateType, reason }, 'telegram update ignored');
    return null;
  };

  if (updateType === 'message') {
    const message = messageSchema.safeParse(raw.message);
    if (!message.success) return ignore('unreadable_message');
    if (message.data.chat.type !== 'private') return ignore(`${message.data.chat.type}_chat`);
    return fromMessage(updateId, message.data) ?? ignore('service_message');
  }
  if (updateType === 'callback_query') {
    const query = callbackQuerySchema.safeParse(raw.callback_query);
    if (!query.success) return ignore('unreadable_callback_query');
    const { id, data, message } = query.data;
    // Without the message we do not know the chat (a button on an inline message).
    if (!message || data === undefined) return ignore('callback_without_chat_or_data');
    if (message.chat.type !== 'private') return ignore(`${message.chat.type}_chat`);
    return { channel: 'telegram', updateId, chatId: String(message.chat.id), payload: data, attachments: [], ackId: id };
  }
  return ignore('unsupported_update_type');
}

function fromMessage(updateId: string, m: TelegramMessage): InboundMessage | null {
  const text = m.text ?? m.caption;
  const attachments = toAttachments(m);
  const base = { channel: 'telegram' as const, updateId, chatId: String(m.chat.id), attachments };
  if (text !== undefined || attachments.length > 0) return { ...base, ...(text !== undefined ? { text } : {}) };
  // Something the child did send but we cannot keep: the conversation says so kindly.
  if (m.contact || m.location || m.venue || m.poll || m.dice || m.game || m.story) return { ...base, unsupported: true };
  return null;
}

function toAttachments(m: TelegramMessage): Attachment[] {
  const out: Attachment[] = [];
  const add = (kind: Attachment['kind'], file: { file_id: string; mime_type?: string | undefined }) =>
    out.push({ kind, ref: file.file_id, ...(file.mime_type ? { mime: file.mime_type } : {}) });
  // Telegram sends several sizes of one photo; the largest is the evidence worth keeping.
  if (m.photo) add('photo', m.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a)));
  if (m.voice) add('voice', m.voice);
  if (m.audio) add('document', m.audio);
  if (m.video) add('video', m.video);
  if (m.video_note) add('video', m.video_note);
  // An animation (GIF) also arrives as `document`, so it is kept once, here.
  if (m.document) add('document', m.document);
  if (m.sticker) add('sticker', m.sticker);
  return out;
}
