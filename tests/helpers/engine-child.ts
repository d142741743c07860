/**
 * A child talking to the conversation engine of a running app directly, without a channel: for
 * sweeps over every question of every flow, where a platform's round trip per message would make
 * the sweep minutes long. The engine, the case service and the store are the app's own; a turn
 * runs in one store transaction, as the inbound service runs it. What a channel adds (delivery,
 * buttons on screen) is tested through the channels in the other conversation tests.
 */
import crypto from 'node:crypto';
import type { App } from '../../app/app.js';
import type { OutboundMessage } from '../../bot/channels/channel.js';
import { CaseModel, ContactModel, ConversationModel, MessageModel, type Contact } from '../../models/index.js';

export class EngineChild {
  private readonly chatId = `engine-${crypto.randomBytes(6).toString('hex')}`;
  private seq = 0;
  /** Everything the bot answered, in order. */
  readonly received: OutboundMessage[] = [];

  constructor(private readonly app: App) {}

  private async contact(): Promise<Contact> {
    const contacts = this.app.store.collection(ContactModel);
    const pseudonym = this.app.cipher.pseudonym('telegram', this.chatId);
    return (await contacts.findOne({ channel: 'telegram', pseudonym })) ?? contacts.insertOne({ channel: 'telegram', pseudonym, addressEnc: this.app.cipher.encrypt(this.chatId), lang: 'vi' });
  }

  private async send(msg: { text?: string; payload?: string; endSession?: boolean }): Promise<OutboundMessage[]> {
    const contact = await this.contact();
    const inbound = { channel: 'telegram' as const, updateId: `${this.chatId}:${++this.seq}`, chatId: this.chatId, attachments: [], ...msg };
    const replies = await this.app.store.transaction(() => this.app.engine.handle(contact, inbound));
    this.received.push(...replies);
    return replies;
  }

  /** Types a message; resolves with the bot's answer. */
  says(text: string): Promise<OutboundMessage[]> {
    return this.send({ text });
  }

  /** Ends the chat and wipes it from the device (the web chat's "Xong & xoá" and quick exit). */
  ends(): Promise<OutboundMessage[]> {
    return this.send({ endSession: true });
  }

  /** The labels of the options of the bot's latest message that has any. */
  get options(): string[] {
    return ([...this.received].reverse().find((m) => m.options?.length)?.options ?? []).flat().map((o) => o.label);
  }

  /** The text of the bot's latest message that has options (the question the child is at). */
  get question(): string | undefined {
    return [...this.received].reverse().find((m) => m.options?.length)?.text;
  }

  /** Presses an option of the bot's latest message that has options, by its label. */
  presses(label: string): Promise<OutboundMessage[]> {
    const found = ([...this.received].reverse().find((m) => m.options?.length)?.options ?? []).flat().find((o) => o.label === label);
    if (!found) throw new Error(`no option "${label}" in ${JSON.stringify(this.options)}`);
    return this.send({ payload: found.id });
  }

  /** The step the conversation waits at. */
  async step(): Promise<string> {
    const conv = await this.app.store.collection(ConversationModel).findOne({ contactId: (await this.contact())._id });
    return conv?.step ?? 'none';
  }

  /** The case the child's last flow filed (its open case), with its messages' texts. */
  async openCase() {
    const contact = await this.contact();
    const found = contact.openCaseId ? await this.app.store.collection(CaseModel).findOne({ _id: contact.openCaseId }) : null;
    if (!found) throw new Error(`chat ${this.chatId} has no open case`);
    const messages = await this.app.store.collection(MessageModel).find({ caseId: found._id }, { sort: { seq: 1 } });
    return { ...found, texts: messages.map((m) => m.text) };
  }
}
