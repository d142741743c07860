import session from 'express-session';
import { StaffSessionModel } from '../models/index.js';
import type { Store } from '../store/index.js';

/**
 * express-session's store on our store interface, so sessions live in MongoDB in production
 * (shared by every instance) and in the embedded engine otherwise.
 */
export class StaffSessionStore extends session.Store {
  constructor(
    private readonly store: Store,
    private readonly ttlMs: number,
  ) {
    super();
  }

  private get sessions() {
    return this.store.collection(StaffSessionModel);
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void) {
    this.sessions
      .findOne({ _id: sid, expiresAt: { $gt: new Date() } })
      .then((doc) => callback(null, doc ? (doc.data as unknown as session.SessionData) : null), callback);
  }

  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void) {
    const expiresAt = data.cookie?.expires ? new Date(data.cookie.expires) : new Date(Date.now() + this.ttlMs);
    this.sessions
      .findOneAndUpdate({ _id: sid }, { $set: { data: JSON.parse(JSON.stringify(data)), expiresAt } }, { upsert: true })
      .then(() => callback?.(), (err: unknown) => callback?.(err));
  }

  override touch(sid: string, data: session.SessionData, callback?: () => void) {
    this.set(sid, data, () => callback?.());
  }

  override destroy(sid: string, callback?: (err?: unknown) => void) {
    this.sessions.deleteMany({ _id: sid }).then(() => callback?.(), (err: unknown) => callback?.(err));
  }

  /** Ends every session of one staff member (after deactivation or a password change). */
  async destroyAllFor(staffId: string, exceptSid?: string) {
    await this.sessions.deleteMany({ 'data.staffId': staffId, ...(exceptSid ? { _id: { $ne: exceptSid } } : {}) });
  }

  /** Removes expired sessions (the embedded engine has no TTL index). */
  async sweep() {
    return this.sessions.deleteMany({ expiresAt: { $lte: new Date() } });
  }
}
