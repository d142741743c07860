import type { Attachment, Channel } from '../../models/index.js';

/**
 * The one shape every platform update is turned into by its adapter. Nothing past the
 * adapter sees a platform payload.
 */
export interface InboundMessage {
  channel: Channel;
  /** The platform's id for this update, unique per channel; a repeat is ignored. */
  updateId: string;
  /** The platform chat id to answer (kept only sealed once stored). */
  chatId: string;
  /** What the child typed, if anything. */
  text?: string | undefined;
  /** The id of an option the child pressed (see `bot/conversation/choices.ts`); validated by the engine. */
  payload?: string | undefined;
  /** Photos, voice notes, files: kept as evidence. */
  attachments: Attachment[];
  /** The platform withheld the content (Zalo's special users, including children). */
  unsupported?: boolean | undefined;
  /**
   * The channel shows options as numbered lines ("1. Với em"), so a typed number chooses one (Zalo,
   * where nothing can be pressed). Where options are buttons without numbers (Telegram, the web
   * chat), a typed number is the child's words: the child never saw it next to an option.
   */
  numberedOptions?: boolean | undefined;
  /** The language the child's page or app is in, when the channel knows it (the web chat does). */
  lang?: 'vi' | 'en' | undefined;
  /**
   * The child ended the conversation and wiped it from their device (the web chat's "Xong &
   * xoá", quick exit, idle clear-up): what they said is filed for the counsellors, then the chat
   * is forgotten and its session refused from now on. No reply.
   */
  endSession?: boolean | undefined;
  /** Platform-specific acknowledgement to make after storing (e.g. a Telegram callback query id). */
  ackId?: string | undefined;
}

/**
 * An option the child can press (a button) or type (its number, its words). `id` is opaque to a
 * channel: it travels back as `InboundMessage.payload` (at most 64 bytes). `key` is the number a
 * child may type for it ("1", "0" for the menu, "111"); a channel without buttons shows it.
 */
export interface OutboundOption {
  id: string;
  label: string;
  key?: string | undefined;
  /**
   * For an option without a number (Skip where a typed number is an age or a place): how to
   * type it, in the chat's language ("nhắn \"bỏ qua\""). A channel without buttons shows it.
   */
  typed?: string | undefined;
}

/**
 * A message to send: text and, optionally, rows of options. `layout: 'areas'` marks a long list
 * of places (provinces, communes): its first row is Skip, its last Menu and 111, the rows
 * between the places. Each channel lays it out compactly its own way (the web chat as a grid
 * with a search box, Telegram as the rows given, Zalo as numbered names several to a line).
 */
export interface OutboundMessage {
  text: string;
  options?: OutboundOption[][] | undefined;
  layout?: 'areas' | undefined;
}

/** What a send came to. Only network failures, 5xx and 429 are worth retrying. */
export type DeliveryResult =
  | { ok: true }
  | { ok: false; permanent: boolean; error: string; retryAfterMs?: number | undefined };

/**
 * A channel adapter: translates normalised outbound messages into platform calls. (Inbound
 * translation is each adapter's own HTTP route or polling loop, which hands InboundMessages
 * to the inbound service.)
 */
export interface ChannelSender {
  readonly channel: Channel;
  send(chatId: string, message: OutboundMessage): Promise<DeliveryResult>;
  /**
   * Erases whatever the channel itself keeps of a chat, found by the chat's pseudonym
   * (`DataCipher.pseudonym(channel, chatId)`): the web chat's transcript. Called by "forget me".
   */
  forgetChat?(pseudonym: string): Promise<void>;
}

/**
 * Keeps the bytes of a file a child sent through a channel that keeps none itself (the web
 * chat), and gives back the attachment that carries it. `key` is the upload's own id: the same
 * key keeps the file once. Throws an AppError for a file that cannot be evidence (empty 400,
 * too large 413, not a photo or recording 415), having kept nothing.
 */
export type FileKeeper = (file: { key: string; bytes: Buffer }) => Promise<Attachment & { kind: 'photo' | 'voice'; mime: string }>;

/** Hands a normalised inbound message to the application; resolves once it is stored. */
export type InboundSink = (message: InboundMessage) => Promise<{ duplicate: boolean }>;
