import { Schema } from 'mongoose';
import { defineModel } from './define.js';

/**
 * The conversation state of one contact: where in the guided questions the child is and the
 * answers so far. Kept in the store, so any instance can take the next message and a restart
 * loses nothing.
 */
export interface Conversation {
  _id: string;
  contactId: string;
  step: string;
  /** The flow being filled in (opinion, report, advice), with the answers given so far. */
  draft: Record<string, unknown>;
  /** Text the child wrote before choosing what to do with it. */
  heldText: string[];
  /** The case created for the current flow (early, when urgency was detected), if any. */
  caseId?: string | null;
  /** Wrong case codes typed, for rate limiting. */
  codeFailures: number;
  codeFailuresSince?: Date | null;
  /** When the bot last gave its full answer to a message it could not read (at most hourly). */
  unreadableAnsweredAt?: Date | null;
  /** Crisis mode after a message of danger happening now (bot/conversation/crisis.ts), or null. */
  crisis?: { caseId: string; call: '113' | '115' | '111'; kind: 'self_harm' | 'harm'; situation?: string; askedSafe?: boolean; since: Date } | null;
  /**
   * Reply mode (bot/conversation/reply-mode.ts): the case read by its code whose thread the
   * child's next messages go to, and when the child last wrote in it (it ends after a silence).
   */
  reply?: { caseId: string; code: string; lastAt: Date } | null;
  /**
   * Who is writing (bot/conversation/voice.ts): a child, or an adult about a child, and the
   * adult's role when known. Chosen, or read from their words; it sets the bot's voice.
   */
  writer?: { voice: 'child' | 'adult'; role?: 'parent' | 'teacher' | 'other' | null } | null;
  /**
   * The case risk words opened outside a flow ("bố em đánh em chảy máu" as a first message),
   * whose questions are not asked yet: the next flow the child starts (report, opinion, advice)
   * asks them for this case instead of opening another (bot/conversation/safety.ts).
   */
  followUp?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const ConversationModel = defineModel<Conversation>(
  'conversations',
  {
    contactId: { type: String, required: true },
    step: { type: String, required: true, default: 'idle' },
    draft: { type: Schema.Types.Mixed, default: () => ({}) },
    heldText: { type: [String], default: [] },
    caseId: { type: String, default: null },
    codeFailures: { type: Number, default: 0 },
    codeFailuresSince: { type: Date, default: null },
    unreadableAnsweredAt: { type: Date, default: null },
    crisis: { type: Schema.Types.Mixed, default: null },
    reply: { type: Schema.Types.Mixed, default: null },
    writer: { type: Schema.Types.Mixed, default: null },
    followUp: { type: String, default: null },
  },
  (s) => {
    s.index({ contactId: 1 }, { unique: true });
  },
);
