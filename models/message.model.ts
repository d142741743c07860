import { nextSeq } from './ids.js';
import { defineModel, sub } from './define.js';
import { ATTACHMENT_KINDS, CHANNELS, DELIVERY_STATUSES, MESSAGE_AUTHORS, type AttachmentKind, type Channel, type DeliveryStatus, type MessageAuthor } from './domain.js';

export interface Attachment {
  kind: AttachmentKind;
  /**
   * `evidence:<id>` for a file whose bytes were kept on arrival (a web chat upload), else the
   * channel's own reference to the file, opaque everywhere but in that channel's folder (its
   * `FileSource` fetches the bytes by it). Never shown to staff.
   */
  ref: string;
  mime?: string | null;
}

/** One message in a case: from the child, a counsellor, the system, or an internal note. */
export interface Message {
  _id: string;
  caseId: string;
  author: MessageAuthor;
  /** The staff member who wrote a counsellor message or a note. */
  staffId?: string | null;
  text: string;
  attachments: Attachment[];
  /**
   * For the child's words written during the guided questions: the question the bot had asked
   * (its step id, e.g. `age`, `story`), so that the counsellor sees what the words answer.
   */
  asked?: string | null;
  /**
   * The chat channel the message came through (the child's words) or was sent on (a
   * counsellor's answer): its name only, for staff to see; null for notes, system lines, an
   * answer nobody could be sent, and messages stored before channels were recorded.
   */
  channel?: Channel | null;
  /** For messages sent to the child: where delivery stands, from the outbox. */
  delivery?: DeliveryStatus | null;
  outboxId?: string | null;
  deliveryError?: string | null;
  /** Set when retention erased the text of a closed case. */
  erasedAt?: Date | null;
  /** Orders entries written within the same millisecond. */
  seq: number;
  createdAt: Date;
  updatedAt: Date;
}

export const MessageModel = defineModel<Message>(
  'messages',
  {
    caseId: { type: String, required: true },
    seq: { type: Number, default: nextSeq },
    author: { type: String, enum: MESSAGE_AUTHORS, required: true },
    staffId: { type: String, default: null },
    text: { type: String, default: '', maxlength: 10_000 },
    asked: { type: String, default: null, maxlength: 40 },
    channel: { type: String, enum: [...CHANNELS, null], default: null },
    attachments: {
      type: [sub({ kind: { type: String, enum: ATTACHMENT_KINDS, required: true }, ref: { type: String, required: true }, mime: { type: String, default: null } })],
      default: [],
    },
    delivery: { type: String, enum: [...DELIVERY_STATUSES, null], default: null },
    outboxId: { type: String, default: null },
    deliveryError: { type: String, default: null },
    erasedAt: { type: Date, default: null },
  },
  (s) => {
    s.index({ caseId: 1, seq: 1 });
    // Word search keeps the newest of the child's messages (on MongoDB).
    s.index({ author: 1, seq: -1 });
  },
  // The back office searches the child's words, for the cases that hold them.
  { search: 'text', searchGroup: { by: 'caseId', when: { author: 'child' }, newest: 'seq' } },
);
