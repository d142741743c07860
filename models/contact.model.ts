import { defineModel } from './define.js';
import { CHANNELS, type Channel } from './domain.js';

/**
 * A chat that has written to the bot. Holds no name, username or phone: the platform chat id
 * is kept only encrypted (`addressEnc`) and found by its keyed-hash `pseudonym`.
 */
export interface Contact {
  _id: string;
  channel: Channel;
  /** HMAC of the platform chat id; a random `forgotten:` value once the child asked to be forgotten. */
  pseudonym: string;
  /** AES-256-GCM sealed platform chat id; null once forgotten. */
  addressEnc: string | null;
  lang: 'vi' | 'en';
  /** True once the child chose a language (🌐, "English", "tiếng Việt"): their words then no longer switch it. */
  langChosen?: boolean;
  /** True once the child wrote Vietnamese with its marks: English words ("help me please") then no longer switch to English. */
  wroteVietnamese?: boolean;
  blocked: boolean;
  blockedAt?: Date | null;
  forgottenAt?: Date | null;
  /** The case the child's next free messages are appended to. */
  openCaseId?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const ContactModel = defineModel<Contact>(
  'contacts',
  {
    channel: { type: String, enum: CHANNELS, required: true },
    pseudonym: { type: String, required: true },
    addressEnc: { type: String, default: null },
    lang: { type: String, enum: ['vi', 'en'], default: 'vi' },
    langChosen: { type: Boolean, default: false },
    wroteVietnamese: { type: Boolean, default: false },
    blocked: { type: Boolean, default: false },
    blockedAt: { type: Date, default: null },
    forgottenAt: { type: Date, default: null },
    openCaseId: { type: String, default: null },
  },
  (s) => {
    s.index({ channel: 1, pseudonym: 1 }, { unique: true });
  },
);
