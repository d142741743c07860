import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { toInboundMessage } from '../../../../bot/channels/telegram/telegram.adapter.js';
import { FakeBotApi } from '../../../fakes/fake-bot-api.js';

// The builders only shape realistic updates here; no server is started.
const fixtures = new FakeBotApi();
const CHAT = 51234567;
const child = { id: CHAT, is_bot: false, first_name: 'Lan', last_name: 'Nguyễn', username: 'lan_2011', language_code: 'vi' };
const privateChat = { id: CHAT, first_name: 'Lan', last_name: 'Nguyễn', username: 'lan_2011', type: 'private' };

describe('toInboundMessage', () => {
  it('turns a private text message into text with the chat id and the update id', () => {
    const update = fixtures.userSendsText(CHAT, 'Ở trường có bạn đánh em');
    expect(toInboundMessage(update)).toEqual({
      channel: 'telegram',
      updateId: String(update.update_id),
      chatId: String(CHAT),
      text: 'Ở trường có bạn đánh em',
      attachments: [],
    });
  });

  it('keeps a command such as /start as text', () => {
    expect(toInboundMessage(fixtures.userSendsText(CHAT, '/start'))).toMatchObject({ text: '/start' });
    expect(toInboundMessage(fixtures.userSendsText(CHAT, '/menu'))).toMatchObject({ text: '/menu' });
  });

  it('turns a button press into its payload, answering to the chat of the message the button was on', () => {
    const update = fixtures.userPressesButton(CHAT, 'menu.report');
    const query = update.callback_query as { id: string };
    expect(toInboundMessage(update)).toEqual({
      channel: 'telegram',
      updateId: String(update.update_id),
      chatId: String(CHAT),
      payload: 'menu.report',
      attachments: [],
      ackId: query.id,
    });
  });

  it('keeps the largest size of a photo and its caption as text', () => {
    const message = toInboundMessage(fixtures.userSendsPhoto(CHAT, 'Vết bầm hôm qua'));
    expect(message?.text).toBe('Vết bầm hôm qua');
    expect(message?.attachments).toHaveLength(1);
    expect(message?.attachments[0]).toMatchObject({ kind: 'photo' });
    expect(message?.attachments[0]?.ref).toContain('-large-');
  });

  it('keeps a voice note with its mime type', () => {
    const update = fixtures.userSendsVoice(CHAT);
    const voice = (update.message as { voice: { file_id: string } }).voice;
    expect(toInboundMessage(update)).toMatchObject({ attachments: [{ kind: 'voice', ref: voice.file_id, mime: 'audio/ogg' }] });
    expect(toInboundMessage(update)?.text).toBeUndefined();
  });

  it('keeps a document, a video and a sticker as attachments', () => {
    const base = { message_id: 9, from: child, chat: privateChat, date: 1735689600 };
    const doc = { update_id: 1, message: { ...base, document: { file_name: 'don.pdf', mime_type: 'application/pdf', file_id: 'BQACAgUAAxkBAAM-doc', file_unique_id: 'AgAD-doc', file_size: 50_000 } } };
    const video = { update_id: 2, message: { ...base, video: { duration: 3, width: 640, height: 360, mime_type: 'video/mp4', file_id: 'BAACAgUAAxkBAAM-vid', file_unique_id: 'AgAD-vid' } } };
    const sticker = { update_id: 3, message: { ...base, sticker: { width: 512, height: 512, emoji: '😢', is_animated: false, is_video: false, type: 'regular', file_id: 'CAACAgIAAxkBAAM-stk', file_unique_id: 'AgAD-stk' } } };
    expect(toInboundMessage(doc)?.attachments).toEqual([{ kind: 'document', ref: 'BQACAgUAAxkBAAM-doc', mime: 'application/pdf' }]);
    expect(toInboundMessage(video)?.attachments).toEqual([{ kind: 'video', ref: 'BAACAgUAAxkBAAM-vid', mime: 'video/mp4' }]);
    expect(toInboundMessage(sticker)?.attachments).toEqual([{ kind: 'sticker', ref: 'CAACAgIAAxkBAAM-stk' }]);
  });

  it('marks a shared contact as unsupported without carrying the phone number on', () => {
    const update = { update_id: 4, message: { message_id: 10, from: child, chat: privateChat, date: 1735689600, contact: { phone_number: '+84912345678', first_name: 'Lan', user_id: CHAT } } };
    const message = toInboundMessage(update);
    expect(message).toEqual({ channel: 'telegram', updateId: '4', chatId: String(CHAT), attachments: [], unsupported: true });
    expect(JSON.stringify(message)).not.toContain('84912345678');
  });

  it('never exposes the names or the username of the child', () => {
    const updates = [fixtures.userSendsText(CHAT, 'Chào'), fixtures.userPressesButton(CHAT, 'yes'), fixtures.userSendsPhoto(CHAT), fixtures.userSendsVoice(CHAT)];
    for (const update of updates) {
      const json = JSON.stringify(toInboundMessage(update));
      expect(json).not.toMatch(/Lan|Nguyễn|lan_2011|first_name|username/);
    }
  });

  it('ignores a message in a group', () => {
    const update = { update_id: 5, message: { message_id: 11, from: child, chat: { id: -1001234567890, title: 'Lớp 6A', type: 'supergroup' }, date: 1735689600, text: 'hi' } };
    expect(toInboundMessage(update)).toBeNull();
  });

  it('ignores a button pressed in a group', () => {
    const update = fixtures.userPressesButton(CHAT, 'yes');
    const query = update.callback_query as { message: { chat: unknown } };
    query.message.chat = { id: -100987, title: 'Nhóm', type: 'group' };
    expect(toInboundMessage(update)).toBeNull();
  });

  it('ignores an edited message', () => {
    const update = { update_id: 6, edited_message: { message_id: 12, from: child, chat: privateChat, date: 1735689600, edit_date: 1735689660, text: 'sửa lại' } };
    expect(toInboundMessage(update)).toBeNull();
  });

  it('ignores a channel post and a membership change', () => {
    expect(toInboundMessage({ update_id: 7, channel_post: { message_id: 1, chat: { id: -100555, title: 'Tin', type: 'channel' }, date: 1735689600, text: 'x' } })).toBeNull();
    expect(
      toInboundMessage({
        update_id: 8,
        my_chat_member: { chat: privateChat, from: child, date: 1735689600, old_chat_member: { user: child, status: 'member' }, new_chat_member: { user: child, status: 'kicked', until_date: 0 } },
      }),
    ).toBeNull();
  });

  it('ignores a service message with nothing the child said', () => {
    expect(toInboundMessage({ update_id: 9, message: { message_id: 13, from: child, chat: privateChat, date: 1735689600, pinned_message: { message_id: 1 } } })).toBeNull();
  });

  it('ignores something that is not an update', () => {
    expect(toInboundMessage({ message: { text: 'no id' } })).toBeNull();
    expect(toInboundMessage('hello')).toBeNull();
  });

  it('logs an ignored update at debug level without its content', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug', base: null, timestamp: false }, { write: (line: string) => void lines.push(line) });
    toInboundMessage({ update_id: 6, edited_message: { message_id: 12, chat: privateChat, date: 1, text: 'bí mật' } }, logger);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      { level: 20, updateType: 'edited_message', reason: 'unsupported_update_type', msg: 'telegram update ignored' },
    ]);
  });
});
