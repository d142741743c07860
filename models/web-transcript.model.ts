import { Schema } from 'mongoose';
import { defineModel } from './define.js';

/**
 * What a web-chat session shows: the child's messages and the bot's, so that a reload
 * brings the conversation back. Keyed by the session's pseudonym; no IP address is kept.
 */
export interface WebTranscriptEntry {
  _id: string;
  sessionKey: string;
  from: 'child' | 'bot';
  payload: Record<string, unknown>;
  /** The entry's number in its session: 1, 2, 3, … drawn from the store (see web.transcript.ts). */
  seq: number;
  createdAt: Date;
  updatedAt: Date;
}

export const WebTranscriptModel = defineModel<WebTranscriptEntry>(
  'web_transcripts',
  {
    sessionKey: { type: String, required: true },
    seq: { type: Number, required: true, min: 1 },
    from: { type: String, enum: ['child', 'bot'], required: true },
    payload: { type: Schema.Types.Mixed, required: true },
  },
  (s) => {
    s.index({ sessionKey: 1, seq: 1 });
  },
);
