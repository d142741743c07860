import { defineModel } from './define.js';

/**
 * A web-chat session token that was ended (quick exit, "Xong & xoá", idle clear-up, forget me):
 * keyed by the session's pseudonym, so the old token can never read or add to anything again.
 */
export interface WebSessionEnd {
  /** The session's pseudonym (the same key its transcript and contact used). */
  _id: string;
  createdAt: Date;
  updatedAt: Date;
}

export const WebSessionEndModel = defineModel<WebSessionEnd>('web_session_ends', {});
