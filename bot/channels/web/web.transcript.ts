import { WebTranscriptModel, type WebTranscriptEntry } from '../../../models/index.js';
import { nextInSequence } from '../../../coordination/sequence.js';
import type { Store } from '../../../store/index.js';

/**
 * A web-chat session's transcript. Entries are numbered by a sequence in the store, per
 * session, so the numbers the page reads after only grow, whichever instance wrote them.
 */

/** How long a missing number is waited for: drawn by a writer whose entry is not stored yet. */
const GAP_GRACE_MS = 2000;

/** Adds one entry to the session's transcript with the session's next number. */
export async function appendToTranscript(store: Store, entry: { _id?: string; sessionKey: string; from: 'child' | 'bot'; payload: Record<string, unknown> }) {
  const transcripts = store.collection(WebTranscriptModel);
  const seq = await nextInSequence(store, `web-transcript:${entry.sessionKey}`, {
    // Sessions written before the sequence existed carry larger (clock-based) numbers: continue after them.
    startAfter: async () => (await transcripts.findOne({ sessionKey: entry.sessionKey }, { sort: { seq: -1 } }))?.seq ?? 0,
  });
  return transcripts.insertOne({ ...entry, seq });
}

/**
 * The entries after `after`, in order. A number drawn but not stored yet (two writers at once,
 * the later one stored first) holds back what follows it for a moment, so the page does not move
 * past it; a number that never arrives (a failed write, a wiped entry) holds nothing back for long.
 */
export async function transcriptAfter(store: Store, sessionKey: string, after: number, limit = 200): Promise<WebTranscriptEntry[]> {
  const entries = await store.collection(WebTranscriptModel).find({ sessionKey, seq: { $gt: after } }, { sort: { seq: 1 }, limit });
  const now = Date.now();
  let previous = after;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const gap = entry.seq !== previous + 1;
    if (gap && previous !== 0 && now - new Date(entry.createdAt).getTime() < GAP_GRACE_MS) return entries.slice(0, i);
    previous = entry.seq;
  }
  return entries;
}
