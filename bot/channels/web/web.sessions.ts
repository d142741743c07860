import { WebSessionEndModel, WebTranscriptModel } from '../../../models/index.js';
import { isDuplicateKey, type Store } from '../../../store/index.js';

/**
 * Ends a web-chat session for good: its transcript is wiped and its token retired, so the old
 * token gets nothing any more (no transcript, no message taken, no upload). Idempotent.
 */
export async function retireWebSession(store: Store, sessionKey: string): Promise<void> {
  try {
    await store.collection(WebSessionEndModel).insertOne({ _id: sessionKey });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  await store.collection(WebTranscriptModel).deleteMany({ sessionKey });
}

/** True once the session was ended: its token is refused. */
export async function isRetiredWebSession(store: Store, sessionKey: string): Promise<boolean> {
  return (await store.collection(WebSessionEndModel).findOne({ _id: sessionKey })) !== null;
}
