import { Schema } from 'mongoose';
import { defineModel } from './define.js';
import { CHANNELS, type Channel } from './domain.js';

/**
 * Every update a platform sent, stored before it is acknowledged. The `_id` is
 * `<channel>:<platform update id>`, so a re-delivered update is recognised and ignored.
 */
export interface InboundUpdate {
  _id: string;
  channel: Channel;
  status: 'pending' | 'processing' | 'done' | 'failed';
  /** The normalised inbound event; its chat id is sealed. */
  event: Record<string, unknown>;
  attempts: number;
  lockedUntil?: Date | null;
  lastError?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const InboundUpdateModel = defineModel<InboundUpdate>(
  'inbound_updates',
  {
    channel: { type: String, enum: CHANNELS, required: true },
    status: { type: String, enum: ['pending', 'processing', 'done', 'failed'], default: 'pending' },
    event: { type: Schema.Types.Mixed, required: true },
    attempts: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    lastError: { type: String, default: null },
  },
  (s) => {
    s.index({ status: 1, createdAt: 1 });
  },
);
