import type { Channel } from '../models/index.js';

/**
 * The outbox key of a chat: messages with one key leave in the order they were enqueued. A
 * child's chat is keyed by its contact's pseudonym (`DataCipher.pseudonym(channel, chatId)`),
 * never by the clear chat id; the staff group by `staff:<channel>`. The one place this format
 * is made: the bot's answers, counsellors' replies and "forget me" all use it.
 */
export function recipientKey(to: { channel: Channel; pseudonym: string } | { staff: Channel }): string {
  return 'staff' in to ? `staff:${to.staff}` : `${to.channel}:${to.pseudonym}`;
}
