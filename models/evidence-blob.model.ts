import { defineModel } from './define.js';
import { ATTACHMENT_KINDS, CHANNELS, type AttachmentKind, type Channel } from './domain.js';

export const EVIDENCE_STATUSES = ['stored', 'pending', 'failed'] as const;
/** `stored`: the bytes are here; `pending`: still to be fetched from the platform; `failed`: they never will be. */
export type EvidenceStatus = (typeof EVIDENCE_STATUSES)[number];

/** The longest chunk of an evidence file, in base64 characters (1 MiB). */
export const EVIDENCE_CHUNK_CHARS = 1024 * 1024;

/**
 * One photo or voice note kept as evidence: what it is and how to open it. The bytes are
 * encrypted (AES-256-GCM with the data key, this record's own IV, its id as additional data)
 * and stored apart, as base64 chunks in `evidence_chunks`, so no document comes near MongoDB's
 * 16 MB limit or makes the embedded engine write one huge line.
 *
 * The id says where the file came from: a web chat upload has a keyed hash of its upload (the
 * attachment's ref is `evidence:<id>`); a file a platform keeps (fetched by the channel's reference) has
 * `<messageId>-<index>`, the attachment it belongs to.
 */
export interface EvidenceBlob {
  _id: string;
  /** The case the file belongs to; null until the message carrying it is stored in a case. */
  caseId: string | null;
  kind: AttachmentKind;
  /** The channel the file came through. */
  source: Channel;
  /** The channel's opaque reference to fetch the file by (see `FileSource`), for `pending` files. */
  sourceRef: string | null;
  status: EvidenceStatus;
  /** Decided from the file's first bytes, never from what the sender claimed. */
  mime: string | null;
  /** Size of the plain file, in bytes. */
  size: number | null;
  /** SHA-256 of the plain file, hex: checked on every read. */
  sha256: string | null;
  iv: string | null;
  tag: string | null;
  /** How many chunks hold the ciphertext. */
  chunks: number;
  /** Fetch attempts so far (platform files). */
  attempts: number;
  /** When a pending file is next tried; pushed ahead while an attempt runs, as a lease. */
  nextAttemptAt: Date | null;
  /** Why a fetch failed, without the token or the file's address. */
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const EvidenceBlobModel = defineModel<EvidenceBlob>(
  'evidence_blobs',
  {
    caseId: { type: String, default: null },
    kind: { type: String, enum: ATTACHMENT_KINDS, required: true },
    source: { type: String, enum: CHANNELS, required: true },
    sourceRef: { type: String, default: null, maxlength: 512 },
    status: { type: String, enum: EVIDENCE_STATUSES, required: true },
    mime: { type: String, default: null },
    size: { type: Number, default: null, min: 0 },
    sha256: { type: String, default: null },
    iv: { type: String, default: null },
    tag: { type: String, default: null },
    chunks: { type: Number, default: 0, min: 0 },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: { type: Date, default: null },
    lastError: { type: String, default: null, maxlength: 500 },
  },
  (s) => {
    s.index({ caseId: 1 });
    s.index({ status: 1, nextAttemptAt: 1 });
  },
);

/** One piece of an evidence file's ciphertext, base64. `_id` is `<blobId>:<n>`. */
export interface EvidenceChunk {
  _id: string;
  blobId: string;
  /** The chunk's place, from 0. */
  n: number;
  data: string;
  createdAt: Date;
  updatedAt: Date;
}

export const EvidenceChunkModel = defineModel<EvidenceChunk>(
  'evidence_chunks',
  {
    blobId: { type: String, required: true },
    n: { type: Number, required: true, min: 0 },
    data: { type: String, required: true, maxlength: EVIDENCE_CHUNK_CHARS },
  },
  (s) => {
    s.index({ blobId: 1, n: 1 });
  },
);
