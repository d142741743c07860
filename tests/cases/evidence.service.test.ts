import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataCipher } from '../../app/crypto.js';
import { AppError } from '../../app/errors.js';
import { createLogger } from '../../app/logger.js';
import { detectEvidenceType } from '../../cases/evidence-types.js';
import { EvidenceService, MAX_EVIDENCE_BYTES, type FileFetch, type FileSource } from '../../cases/evidence.service.js';
import { EVIDENCE_CHUNK_CHARS, EvidenceBlobModel, EvidenceChunkModel, MessageModel, type Attachment } from '../../models/index.js';
import type { Store } from '../../store/index.js';
import { tinyAac, tinyJpeg, tinyMp3, tinyOgg, tinyPng } from '../fakes/media-files.js';
import { enginesUnderTest } from '../helpers/engines.js';

describe('what a file is, told by its first bytes', () => {
  const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 '), Buffer.alloc(16)]);
  const m4a = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypM4A '), Buffer.alloc(20)]);
  const webm = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84]), Buffer.from('webm'), Buffer.alloc(20)]);
  const mkv = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x88]), Buffer.from('matroska'), Buffer.alloc(20)]);
  const mp3WithoutTag = tinyMp3().subarray(10);

  it.each([
    ['a PNG', tinyPng(), { kind: 'photo', mime: 'image/png' }],
    ['a JPEG', tinyJpeg(), { kind: 'photo', mime: 'image/jpeg' }],
    ['a WebP', webp, { kind: 'photo', mime: 'image/webp' }],
    ['an Ogg voice note', tinyOgg(), { kind: 'voice', mime: 'audio/ogg' }],
    ['an MP3 with an ID3 tag', tinyMp3(), { kind: 'voice', mime: 'audio/mpeg' }],
    ['an MP3 without a tag', mp3WithoutTag, { kind: 'voice', mime: 'audio/mpeg' }],
    ['an M4A recording', m4a, { kind: 'voice', mime: 'audio/mp4' }],
    ['a WebM recording', webm, { kind: 'voice', mime: 'audio/webm' }],
    ['an AAC voice note (ADTS, as Zalo sends)', tinyAac(), { kind: 'voice', mime: 'audio/aac' }],
  ])('recognises %s', (_name, bytes, type) => {
    expect(detectEvidenceType(bytes)).toEqual(type);
  });

  it.each([
    ['text', Buffer.from('Đây không phải là ảnh, chỉ là chữ thôi.')],
    ['an HTML page', Buffer.from('<!doctype html><script>alert(1)</script>')],
    ['a PDF', Buffer.from('%PDF-1.7\n')],
    ['a Matroska video', mkv],
    ['a broken AAC header (frame length 0)', Buffer.from([0xff, 0xf1, 0x50, 0x80, 0, 0, 0])],
    ['an AAC frame followed by no frame', Buffer.concat([tinyAac().subarray(0, 11), Buffer.from('not audio at all')])],
    ['nothing', Buffer.alloc(0)],
  ])('refuses %s', (_name, bytes) => {
    expect(detectEvidenceType(bytes)).toBeNull();
  });
});

describe.each(enginesUnderTest())('evidence files on the $name engine', (engine) => {
  let store: Store;
  let evidence: EvidenceService;
  let cipher: DataCipher;

  beforeEach(async () => {
    store = await engine.open();
    cipher = new DataCipher(crypto.randomBytes(32));
    evidence = new EvidenceService(store, cipher, createLogger('silent'));
  });
  afterEach(() => store.close());

  const blobs = () => store.collection(EvidenceBlobModel);
  const chunks = () => store.collection(EvidenceChunkModel);
  const message = (caseId: string, attachments: Attachment[]) => store.collection(MessageModel).insertOne({ caseId, author: 'child', text: '', attachments });
  const failure = (p: Promise<unknown>) => p.then(() => null, (err: unknown) => (err instanceof AppError ? { code: err.code, status: err.status } : err));

  it('keeps a photo encrypted, in chunks of at most 1 MiB of base64, and reads back the same bytes', async () => {
    // A PNG signature before 2.5 MB of noise: four chunks.
    const bytes = Buffer.concat([tinyPng(), crypto.randomBytes(2_500_000)]);
    const kept = await evidence.keep({ key: 'upload-1', bytes, source: 'web' });
    expect(kept).toMatchObject({ kind: 'photo', mime: 'image/png', ref: expect.stringMatching(/^evidence:[\w-]+$/) });

    const stored = await chunks().find({}, { sort: { n: 1 } });
    expect(stored.map((c) => c.n)).toEqual([0, 1, 2, 3]);
    expect(stored.every((c) => c.data.length <= EVIDENCE_CHUNK_CHARS)).toBe(true);
    expect(Buffer.concat(stored.map((c) => Buffer.from(c.data, 'base64'))).includes(bytes.subarray(1000, 1064))).toBe(false);
    const blob = (await blobs().findOne({}))!;
    expect(blob).toMatchObject({ status: 'stored', size: bytes.length, sha256: crypto.createHash('sha256').update(bytes).digest('hex'), caseId: null, chunks: 4 });

    const m = await message('case-1', [{ kind: 'photo', ref: kept.ref, mime: kept.mime }]);
    await evidence.attach('case-1', 'web', m);
    const read = await evidence.read('case-1', m, 0);
    expect(read?.mime).toBe('image/png');
    expect(read?.bytes.equals(bytes)).toBe(true);
  });

  it('refuses a file that is empty, too large, or neither a photo nor a recording, and keeps nothing', async () => {
    const keep = (bytes: Buffer) => failure(evidence.keep({ key: crypto.randomUUID(), bytes, source: 'web' }));
    expect(await keep(Buffer.alloc(0))).toEqual({ code: 'empty_file', status: 400 });
    expect(await keep(Buffer.concat([tinyPng(), Buffer.alloc(MAX_EVIDENCE_BYTES)]))).toEqual({ code: 'file_too_large', status: 413 });
    expect(await keep(Buffer.from('hello, I am a text file named photo.png'))).toEqual({ code: 'unsupported_media_type', status: 415 });
    expect([await blobs().count({}), await chunks().count({})]).toEqual([0, 0]);
  });

  it('keeps an upload once when the same key comes again (a retried upload)', async () => {
    const bytes = tinyOgg();
    const first = await evidence.keep({ key: 'session:abc', bytes, source: 'web' });
    const again = await evidence.keep({ key: 'session:abc', bytes, source: 'web' });
    expect(again.ref).toBe(first.ref);
    expect([await blobs().count({}), await chunks().count({})]).toEqual([1, 1]);
  });

  it('ties a kept file to the first case that stores it, and never shows it in another case', async () => {
    const kept = await evidence.keep({ key: 'k', bytes: tinyMp3(), source: 'web' });
    const mine = await message('case-a', [{ kind: 'voice', ref: kept.ref }]);
    const theirs = await message('case-b', [{ kind: 'voice', ref: kept.ref }]);
    await evidence.attach('case-a', 'web', mine);
    await evidence.attach('case-b', 'web', theirs);
    expect((await blobs().findOne({}))!.caseId).toBe('case-a');
    expect(await evidence.read('case-a', mine, 0)).not.toBeNull();
    expect(await evidence.read('case-b', theirs, 0)).toBeNull();
    expect(await evidence.infoFor('case-a', [mine])).toEqual({ [`${mine._id}:0`]: { status: 'stored', mime: 'audio/mpeg', size: tinyMp3().length } });
    expect(await evidence.infoFor('case-b', [theirs])).toEqual({});
  });

  it('refuses to read a file whose stored bytes were changed', async () => {
    const kept = await evidence.keep({ key: 'k', bytes: tinyPng(), source: 'web' });
    const m = await message('case-1', [{ kind: 'photo', ref: kept.ref }]);
    await evidence.attach('case-1', 'web', m);
    const chunk = (await chunks().findOne({}))!;
    const tampered = Buffer.from(chunk.data, 'base64');
    tampered[5] = tampered[5]! ^ 0x01;
    await chunks().findOneAndUpdate({ _id: chunk._id }, { $set: { data: tampered.toString('base64') } });
    expect(await failure(evidence.read('case-1', m, 0))).toEqual({ code: 'evidence_unreadable', status: 500 });
  });

  describe('files a platform keeps', () => {
    /** A platform whose answers the test sets, one per fetch. */
    function platform(...answers: FileFetch[]): FileSource & { asked: string[] } {
      const asked: string[] = [];
      const fetch = async (ref: string): Promise<FileFetch> => {
        asked.push(ref);
        return answers.shift() ?? { ok: false, permanent: true, error: 'no answer set' };
      };
      return { channel: 'telegram', asked, fetch };
    }
    const photoMessage = (caseId: string) => message(caseId, [{ kind: 'photo', ref: 'AgACAgUAAxkBAAM-large-x' }, { kind: 'sticker', ref: 'CAACAgIAAxkBAAM-sticker' }]);
    const due = async () => {
      // Makes a waiting retry due now, as time passing would.
      await blobs().updateMany({ status: 'pending' }, { $set: { nextAttemptAt: new Date(0) } });
      return evidence.fetchDue();
    };

    it('are queued when their message is stored, fetched, and kept; stickers are not', async () => {
      const photo = tinyJpeg('telegram photo');
      const source = platform({ ok: true, bytes: photo });
      evidence.registerSource(source);
      let kicked = 0;
      evidence.onKick(() => kicked++);
      const m = await photoMessage('case-1');
      await evidence.attach('case-1', 'telegram', m);
      expect(kicked).toBe(1);
      expect(await evidence.infoFor('case-1', [m])).toEqual({ [`${m._id}:0`]: { status: 'pending', mime: null, size: null } });

      expect(await evidence.fetchDue()).toBe(1);
      expect(source.asked).toEqual(['AgACAgUAAxkBAAM-large-x']);
      expect((await evidence.read('case-1', m, 0))?.bytes.equals(photo)).toBe(true);
      expect(await evidence.read('case-1', m, 1)).toBeNull();
      expect(await evidence.fetchDue()).toBe(0);
    });

    it('are tried again after a network failure, and given up at once when refused for good', async () => {
      evidence.registerSource(platform({ ok: false, permanent: false, error: 'network: ECONNRESET' }, { ok: true, bytes: tinyJpeg() }, { ok: false, permanent: true, error: '400: Bad Request: invalid file_id' }));
      const first = await photoMessage('case-1');
      await evidence.attach('case-1', 'telegram', first);
      await evidence.fetchDue();
      expect(await blobs().findOne({})).toMatchObject({ status: 'pending', attempts: 1, lastError: 'network: ECONNRESET' });
      expect(await evidence.fetchDue()).toBe(0); // not due yet
      await due();
      expect(await blobs().findOne({})).toMatchObject({ status: 'stored', attempts: 2, lastError: null });

      const second = await photoMessage('case-2');
      await evidence.attach('case-2', 'telegram', second);
      await evidence.fetchDue();
      expect(await blobs().findOne({ caseId: 'case-2' })).toMatchObject({ status: 'failed', lastError: '400: Bad Request: invalid file_id' });
    });

    it('are given up when the platform sends something that is not a photo or recording', async () => {
      evidence.registerSource(platform({ ok: true, bytes: Buffer.from('<html>not a photo</html>') }));
      const m = await photoMessage('case-1');
      await evidence.attach('case-1', 'telegram', m);
      await evidence.fetchDue();
      expect(await blobs().findOne({})).toMatchObject({ status: 'failed', lastError: 'unsupported_media_type' });
      expect(await chunks().count({})).toBe(0);
    });

    it('are not queued for a channel that cannot fetch files', async () => {
      const m = await photoMessage('case-1');
      await evidence.attach('case-1', 'telegram', m);
      expect(await blobs().count({})).toBe(0);
    });
  });
});
