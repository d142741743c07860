/** The files kept as evidence: photos and voice recordings, told apart by their first bytes. */
export const EVIDENCE_MIMES = ['image/jpeg', 'image/png', 'image/webp', 'audio/mpeg', 'audio/ogg', 'audio/mp4', 'audio/webm', 'audio/aac'] as const;
export type EvidenceMime = (typeof EVIDENCE_MIMES)[number];

/** What a file is, as evidence: a photo or a voice recording, and its MIME type. */
export interface EvidenceType {
  kind: 'photo' | 'voice';
  mime: EvidenceMime;
}

const ascii = (bytes: Buffer, at: number, text: string) => bytes.length >= at + text.length && bytes.toString('latin1', at, at + text.length) === text;

/**
 * The type of a file from its magic bytes, or null when it is not a photo (JPEG, PNG, WebP)
 * or a recording (MP3, Ogg, MP4/M4A, WebM, AAC) — whatever its name or the sender said it was.
 */
export function detectEvidenceType(bytes: Buffer): EvidenceType | null {
  const mime = detectMime(bytes);
  return mime ? { kind: mime.startsWith('image/') ? 'photo' : 'voice', mime } : null;
}

function detectMime(b: Buffer): EvidenceMime | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (ascii(b, 0, '\x89PNG\r\n\x1a\n')) return 'image/png';
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return 'image/webp';
  if (ascii(b, 0, 'OggS')) return 'audio/ogg';
  // ISO base media (MP4, M4A, 3GP): a size, then the `ftyp` box.
  if (ascii(b, 4, 'ftyp')) return 'audio/mp4';
  // EBML, with the WebM doctype in its header (Matroska's other files are left out).
  if (b.length >= 4 && b.readUInt32BE(0) === 0x1a45dfa3 && b.subarray(0, 64).includes('webm', 0, 'latin1')) return 'audio/webm';
  if (ascii(b, 0, 'ID3') || isMpegAudioFrame(b)) return 'audio/mpeg';
  // Raw AAC (ADTS), as Zalo's voice notes are (its sendVoice takes .aac).
  if (isAdtsStream(b)) return 'audio/aac';
  return null;
}

/** The length of the ADTS frame whose header starts at `at` (sync, layer 00, a real rate), or 0. */
function adtsFrameLength(b: Buffer, at: number): number {
  if (b.length < at + 7 || b[at] !== 0xff || (b[at + 1]! & 0xf6) !== 0xf0) return 0;
  if (((b[at + 2]! >> 2) & 0x0f) > 12) return 0; // sampling frequency index 13-15 are reserved
  const length = ((b[at + 3]! & 0x03) << 11) | (b[at + 4]! << 3) | (b[at + 5]! >> 5);
  return length >= 7 ? length : 0;
}

/** An AAC stream in ADTS frames: a valid first header, and the next frame's where the file goes on. */
function isAdtsStream(b: Buffer): boolean {
  const first = adtsFrameLength(b, 0);
  if (!first) return false;
  return b.length < first + 7 || adtsFrameLength(b, first) > 0;
}

/** An MPEG audio frame header (an MP3 without ID3 tag): sync bits, and no reserved values. */
function isMpegAudioFrame(b: Buffer): boolean {
  if (b.length < 4 || b[0] !== 0xff) return false;
  const [v1, v2] = [b[1]!, b[2]!];
  const sync = (v1 & 0xe0) === 0xe0;
  const version = (v1 >> 3) & 0x03; // 01 is reserved
  const layer = (v1 >> 1) & 0x03; // 00 is reserved (and ADTS AAC)
  const bitrate = v2 >> 4; // 1111 is invalid
  const rate = (v2 >> 2) & 0x03; // 11 is reserved
  return sync && version !== 1 && layer !== 0 && bitrate !== 0x0f && rate !== 0x03;
}

/** A file name extension for a type (downloads). */
export const EXTENSIONS: Record<EvidenceMime, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'audio/mp4': 'm4a',
  'audio/webm': 'webm',
  'audio/aac': 'aac',
};

export const isEvidenceMime = (mime: string | null | undefined): mime is EvidenceMime => (EVIDENCE_MIMES as readonly string[]).includes(mime ?? '');
