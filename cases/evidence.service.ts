import crypto from 'node:crypto';
import type { DataCipher } from '../app/crypto.js';
import { AppError } from '../app/errors.js';
import type { Logger } from '../app/logger.js';
import {
  EVIDENCE_CHUNK_CHARS,
  EvidenceBlobModel,
  EvidenceChunkModel,
  type Attachment,
  type AttachmentKind,
  type Channel,
  type EvidenceBlob,
  type EvidenceStatus,
  type Message,
} from '../models/index.js';
import { isDuplicateKey, type Store } from '../store/index.js';
import { detectEvidenceType, EXTENSIONS, isEvidenceMime, type EvidenceMime, type EvidenceType } from './evidence-types.js';

/** The largest file kept as evidence, in bytes (8 MiB). */
export const MAX_EVIDENCE_BYTES = 8 * 1024 * 1024;
/** Plain bytes per chunk: their base64 fills one chunk of {@link EVIDENCE_CHUNK_CHARS}. */
const CHUNK_BYTES = (EVIDENCE_CHUNK_CHARS / 4) * 3;
const KEPT_REF = /^evidence:([A-Za-z0-9_-]{1,64})$/;
/** What a platform keeps that is worth fetching: photos, voice notes, and files (audio, photos sent as files). */
const FETCHED_KINDS: readonly AttachmentKind[] = ['photo', 'voice', 'document'];
const MAX_FETCH_ATTEMPTS = 10;
const FETCH_LEASE_MS = 5 * 60_000;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 6 * 60 * 60_000;

/** What fetching a platform's file came to. Only network failures, 5xx and 429 are worth retrying. */
export type FileFetch = { ok: true; bytes: Buffer } | { ok: false; permanent: boolean; error: string; retryAfterMs?: number | undefined };

/**
 * A channel that keeps the files children send and lets the bot download them (Telegram by
 * file_id, Zalo by URL). Lives in the channel's folder: only it reads its references.
 */
export interface FileSource {
  readonly channel: Channel;
  /** Downloads the file the channel's opaque `ref` names; a file over `maxBytes` is a permanent failure. */
  fetch(ref: string, maxBytes: number): Promise<FileFetch>;
}

/** A file kept on arrival: the attachment that carries it. */
export interface KeptEvidence extends EvidenceType {
  /** `evidence:<id>`. */
  ref: string;
}

/** Where an attachment's file stands, for the case page. */
export interface EvidenceInfo {
  status: EvidenceStatus;
  mime: string | null;
  size: number | null;
}

/** An evidence file, decrypted and checked. */
export interface EvidenceFile {
  bytes: Buffer;
  mime: EvidenceMime;
  /** A file name extension for the type, e.g. `jpg`. */
  extension: string;
}

/** The id of the file an attachment carries: its own for a kept file, else its place in the message. */
const blobIdOf = (messageId: string, index: number, a: Attachment) => KEPT_REF.exec(a.ref)?.[1] ?? `${messageId}-${index}`;

/** Checks a file can be evidence; throws the AppError an upload answers with. */
export function assertEvidence(bytes: Buffer): EvidenceType {
  if (bytes.length === 0) throw new AppError('empty_file', 400);
  if (bytes.length > MAX_EVIDENCE_BYTES) throw new AppError('file_too_large', 413);
  const type = detectEvidenceType(bytes);
  if (!type) throw new AppError('unsupported_media_type', 415);
  return type;
}

/**
 * The evidence files of cases: photos and voice notes, encrypted at rest, stored as chunks in
 * the active store. A web upload is kept on arrival; a platform's file (Telegram) is fetched
 * by a job as soon as its message is stored — not when staff first open it, since by then the
 * platform may have dropped it or the bot's token changed. Part of the case service.
 */
export class EvidenceService {
  private readonly sources = new Map<Channel, FileSource>();
  private kick: () => void = () => undefined;

  constructor(
    private readonly store: Store,
    private readonly cipher: DataCipher,
    private readonly logger: Logger,
  ) {}

  private get blobs() {
    return this.store.collection(EvidenceBlobModel);
  }
  private get chunks() {
    return this.store.collection(EvidenceChunkModel);
  }

  /** Lets files sent through `source.channel` be fetched. */
  registerSource(source: FileSource): void {
    this.sources.set(source.channel, source);
  }

  /** Called when a platform file is queued, to run the fetch job at once. */
  onKick(fn: () => void): void {
    this.kick = fn;
  }

  /**
   * Keeps an uploaded file: checks its type by its bytes, encrypts and stores it. The same
   * `key` (the upload's own id) keeps it once, so a retried upload changes nothing.
   * Throws AppError `empty_file` (400), `file_too_large` (413), `unsupported_media_type` (415).
   */
  async keep(input: { key: string; bytes: Buffer; source: Channel }): Promise<KeptEvidence> {
    const type = assertEvidence(input.bytes);
    const id = this.cipher.pseudonym('evidence', input.key);
    const existing = await this.blobs.findOne({ _id: id });
    if (existing?.status !== 'stored') {
      const sealed = await this.writeBytes(id, input.bytes);
      await this.blobs.findOneAndUpdate(
        { _id: id },
        { $set: { kind: type.kind, source: input.source, status: 'stored', mime: type.mime, ...sealed }, $setOnInsert: { caseId: null } },
        { upsert: true },
      );
    }
    return { ...type, ref: `evidence:${id}` };
  }

  /**
   * Ties the files of a message just stored to its case: kept files are linked (once: a file is
   * never moved to another case), platform files are queued to be fetched.
   */
  async attach(caseId: string, channel: Channel | undefined, message: Message): Promise<void> {
    const kept = message.attachments.flatMap((a) => KEPT_REF.exec(a.ref)?.[1] ?? []);
    if (kept.length) await this.blobs.updateMany({ _id: { $in: kept }, caseId: null }, { $set: { caseId } });
    if (!channel || !this.sources.has(channel)) return;
    let queued = false;
    for (const [index, a] of message.attachments.entries()) {
      if (KEPT_REF.test(a.ref) || !FETCHED_KINDS.includes(a.kind)) continue;
      try {
        await this.blobs.insertOne({ _id: blobIdOf(message._id, index, a), caseId, kind: a.kind, source: channel, sourceRef: a.ref, status: 'pending', nextAttemptAt: new Date() });
        queued = true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    // The fetch job must find the files: not before the caller's transaction has committed.
    if (queued) this.store.afterCommit(() => this.kick());
  }

  /** Where the file of each attachment of these messages stands, by `<messageId>:<index>`. */
  async infoFor(caseId: string, messages: Message[]): Promise<Record<string, EvidenceInfo>> {
    const blobs = new Map((await this.blobs.find({ caseId })).map((b) => [b._id, b]));
    const out: Record<string, EvidenceInfo> = {};
    for (const m of messages) {
      m.attachments.forEach((a, i) => {
        const b = blobs.get(blobIdOf(m._id, i, a));
        if (b) out[`${m._id}:${i}`] = { status: b.status, mime: b.mime, size: b.size };
      });
    }
    return out;
  }

  /** The file of a message's attachment, decrypted and verified; null when it is not (yet) here. */
  async read(caseId: string, message: Message, index: number): Promise<EvidenceFile | null> {
    const attachment = message.attachments[index];
    if (!attachment) return null;
    const blob = await this.blobs.findOne({ _id: blobIdOf(message._id, index, attachment), caseId });
    return blob?.status === 'stored' ? this.open(blob) : null;
  }

  /** Fetches the platform files that are due; returns how many were tried. */
  async fetchDue(limit = 20): Promise<number> {
    const now = new Date();
    const due = await this.blobs.find({ status: 'pending', nextAttemptAt: { $lte: now } }, { sort: { nextAttemptAt: 1 }, limit });
    let tried = 0;
    for (const blob of due) if (await this.fetchOne(blob, now)) tried++;
    return tried;
  }

  private async fetchOne(blob: EvidenceBlob, now: Date): Promise<boolean> {
    const source = this.sources.get(blob.source);
    if (!source || !blob.sourceRef) return false;
    // The lease: a crash mid-fetch leaves the file due again once it runs out.
    const claimed = await this.blobs.findOneAndUpdate(
      { _id: blob._id, status: 'pending', nextAttemptAt: { $lte: now } },
      { $set: { nextAttemptAt: new Date(now.getTime() + FETCH_LEASE_MS) }, $inc: { attempts: 1 } },
    );
    if (!claimed) return false;
    const got = await source.fetch(blob.sourceRef, MAX_EVIDENCE_BYTES).catch((err: unknown): FileFetch => ({ ok: false, permanent: false, error: errorName(err) }));
    if (!got.ok) {
      await this.failed(claimed, got);
      return true;
    }
    const type = detectEvidenceType(got.bytes);
    if (!type || got.bytes.length > MAX_EVIDENCE_BYTES) {
      await this.failed(claimed, { permanent: true, error: type ? 'file_too_large' : 'unsupported_media_type' });
      return true;
    }
    const sealed = await this.writeBytes(claimed._id, got.bytes);
    await this.blobs.findOneAndUpdate({ _id: claimed._id }, { $set: { status: 'stored', mime: type.mime, ...sealed, nextAttemptAt: null, lastError: null } });
    return true;
  }

  private async failed(blob: EvidenceBlob, why: { permanent: boolean; error: string; retryAfterMs?: number | undefined }) {
    const giveUp = why.permanent || blob.attempts >= MAX_FETCH_ATTEMPTS;
    const retryIn = why.retryAfterMs ?? Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, blob.attempts - 1));
    await this.blobs.findOneAndUpdate(
      { _id: blob._id },
      { $set: { status: giveUp ? 'failed' : 'pending', lastError: why.error.slice(0, 500), nextAttemptAt: giveUp ? null : new Date(Date.now() + retryIn) } },
    );
    this.logger.warn({ evidenceId: blob._id, source: blob.source, attempts: blob.attempts, giveUp, error: why.error }, 'evidence file not fetched');
  }

  /** Encrypts the bytes under the file's id and stores them in chunks, replacing any left by an earlier try. */
  private async writeBytes(id: string, bytes: Buffer) {
    const { iv, tag, data } = this.cipher.encryptBytes(bytes, id);
    await this.chunks.deleteMany({ blobId: id });
    const count = Math.ceil(data.length / CHUNK_BYTES);
    for (let n = 0; n < count; n++) {
      await this.chunks.insertOne({ _id: `${id}:${n}`, blobId: id, n, data: data.subarray(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES).toString('base64') });
    }
    return { iv, tag, chunks: count, size: bytes.length, sha256: sha256(bytes) };
  }

  private async open(blob: EvidenceBlob): Promise<EvidenceFile> {
    const chunks = await this.chunks.find({ blobId: blob._id }, { sort: { n: 1 } });
    try {
      if (chunks.length !== blob.chunks || !blob.iv || !blob.tag || !isEvidenceMime(blob.mime)) throw new Error('incomplete record');
      const data = Buffer.concat(chunks.map((c) => Buffer.from(c.data, 'base64')));
      const bytes = this.cipher.decryptBytes({ iv: blob.iv, tag: blob.tag, data }, blob._id);
      if (bytes.length !== blob.size || sha256(bytes) !== blob.sha256) throw new Error('checksum mismatch');
      return { bytes, mime: blob.mime, extension: EXTENSIONS[blob.mime] };
    } catch (err) {
      // Crypto and our own errors name what failed, never the content.
      this.logger.error({ evidenceId: blob._id, reason: err instanceof Error ? err.message : typeof err }, 'evidence file unreadable');
      throw new AppError('evidence_unreadable', 500, { cause: err });
    }
  }
}

const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

/** Names an error for the record without its message, which may hold the file's address. */
const errorName = (err: unknown) => (err instanceof Error ? `unexpected: ${err.name}` : typeof err);
