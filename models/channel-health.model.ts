import { defineModel } from './define.js';
import { CHANNELS, type Channel } from './domain.js';

/**
 * What a channel's adapter last had trouble with outside a send (receiving: polling refused,
 * the token rejected), one record per channel, shared by every instance. Shown on the settings
 * page beside what the inbound updates and the outbox say. Never holds message text or chat ids.
 */
export interface ChannelHealth {
  /** The channel's name. */
  _id: Channel;
  /** A short code and description of the problem, e.g. `401 Unauthorized`; null once it works again. */
  problem: string | null;
  problemAt: Date | null;
  /** When the adapter last reached the platform without error. */
  okAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const ChannelHealthModel = defineModel<ChannelHealth>('channel_health', {
  _id: { type: String, enum: CHANNELS, required: true },
  problem: { type: String, default: null },
  problemAt: { type: Date, default: null },
  okAt: { type: Date, default: null },
});
