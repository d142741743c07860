import { Schema } from 'mongoose';
import { defineModel } from './define.js';
import { nextSeq } from './ids.js';
import { CHANNELS, type Channel } from './domain.js';

/** Where an outbound message goes: a chat channel, or a staff member's e-mail (staff alerts). */
export const OUTBOX_CHANNELS = [...CHANNELS, 'email'] as const;
export type OutboxChannel = Channel | 'email';

/**
 * An outbound message waiting for, or done with, delivery. Every message to a child or to the
 * staff group goes through here; the delivery job sends it, retries with backoff, and marks it
 * undelivered when the platform refuses for good.
 */
export interface OutboxItem {
  _id: string;
  channel: OutboxChannel;
  /** The recipient's sealed platform chat id (or e-mail address). */
  addressEnc: string;
  /** Messages to one recipient leave in order. */
  recipientKey: string;
  /** Enqueue order. */
  seq: number;
  /** The normalised outbound message (text, options). */
  payload: Record<string, unknown>;
  status: 'pending' | 'sending' | 'sent' | 'undelivered';
  attempts: number;
  nextAttemptAt: Date;
  lockedUntil?: Date | null;
  /** Who holds the message while it is `sending`: only that worker may record the outcome. */
  claimId?: string | null;
  lastError?: string | null;
  sentAt?: Date | null;
  /** The case message whose delivery status this item carries, if any. */
  messageId?: string | null;
  /** Makes enqueueing idempotent when an inbound update is processed twice. */
  dedupeKey?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const OutboxModel = defineModel<OutboxItem>(
  'outbox',
  {
    channel: { type: String, enum: OUTBOX_CHANNELS, required: true },
    addressEnc: { type: String, required: true },
    recipientKey: { type: String, required: true },
    seq: { type: Number, default: nextSeq },
    payload: { type: Schema.Types.Mixed, required: true },
    status: { type: String, enum: ['pending', 'sending', 'sent', 'undelivered'], default: 'pending' },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, default: () => new Date() },
    lockedUntil: { type: Date, default: null },
    claimId: { type: String, default: null },
    lastError: { type: String, default: null },
    sentAt: { type: Date, default: null },
    messageId: { type: String, default: null },
    dedupeKey: { type: String, default: undefined },
  },
  (s) => {
    s.index({ status: 1, nextAttemptAt: 1 });
    s.index({ recipientKey: 1, status: 1, seq: 1 });
    s.index({ dedupeKey: 1 }, { unique: true, sparse: true });
  },
);
