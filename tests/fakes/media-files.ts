/**
 * Small real media files for tests, built from their formats' specifications: a PNG (any size,
 * random or plain pixels), a JPEG (the one a phone camera would send, with a comment to make
 * each copy unique), an Ogg Opus voice note and an MP3. Real enough for type detection by
 * magic bytes, and for a browser to show the images.
 */
import crypto from 'node:crypto';
import zlib from 'node:zlib';

/** A PNG of `width`×`height` RGB pixels: random noise (incompressible, so its bytes are distinctive) or one colour. */
export function tinyPng(options: { width?: number; height?: number; color?: [number, number, number] } = {}): Buffer {
  const { width = 32, height = 24, color } = options;
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = color ? Buffer.from(Array.from({ length: width }, () => color).flat()) : crypto.randomBytes(width * 3);
    rows.push(Buffer.concat([Buffer.from([0]), row])); // filter type 0: none
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit depth, RGB, deflate, adaptive filtering, no interlace
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

// A 48×32 baseline JPEG (a green-to-amber gradient with a white bar) as Chromium's encoder made it.
const JPEG_BASE64 =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAgADADASIAAhEBAxEB/8QAFwABAQEBAAAAAAAAAAAAAAAAAwIGBf/EABwQAQEAAQUBAAAAAAAAAAAAAAIABQEDIYKyBP/EABcBAQADAAAAAAAAAAAAAAAAAAQBAgP/xAAaEQEBAAMBAQAAAAAAAAAAAAACAAEDESIS/9oADAMBAAIRAxEAPwDlgzg0gzg2KzBBqBnBtdgOMN8/b1rXmucXvdfWlVa/PeyyLKgzg0AzgwVmQDcEGcGkGcGWswgbX4LjEbHb1rXmOcZvdfWllAZwaFv8/PJRNQM4NIM4MBZlA3//2Q==';

/** A real JPEG; `comment` (a COM segment right after the start) makes each copy's bytes unique. */
export function tinyJpeg(comment = ''): Buffer {
  const jpeg = Buffer.from(JPEG_BASE64, 'base64');
  if (!comment) return jpeg;
  const text = Buffer.from(comment, 'utf8');
  const segment = Buffer.alloc(4);
  segment.set([0xff, 0xfe], 0);
  segment.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), segment, text, jpeg.subarray(2)]);
}

/** An Ogg Opus voice note (RFC 7845): the two header pages and one page of 20 ms of silence. */
export function tinyOgg(): Buffer {
  const serial = crypto.randomBytes(4).readUInt32LE();
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head.set([1, 1], 8); // version 1, mono
  head.writeUInt16LE(312, 10); // pre-skip
  head.writeUInt32LE(48_000, 12); // input sample rate
  const vendor = Buffer.from('htx-tests', 'latin1');
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
  tags.write('OpusTags', 0, 'latin1');
  tags.writeUInt32LE(vendor.length, 8);
  vendor.copy(tags, 12);
  return Buffer.concat([
    oggPage({ serial, sequence: 0, flags: 0x02, granule: 0n, packet: head }),
    oggPage({ serial, sequence: 1, flags: 0, granule: 0n, packet: tags }),
    oggPage({ serial, sequence: 2, flags: 0x04, granule: 960n, packet: Buffer.from([0xf8, 0xff, 0xfe]) }),
  ]);
}

function oggPage(p: { serial: number; sequence: number; flags: number; granule: bigint; packet: Buffer }): Buffer {
  const header = Buffer.alloc(27);
  header.write('OggS', 0, 'latin1');
  header[5] = p.flags;
  header.writeBigUInt64LE(p.granule, 6);
  header.writeUInt32LE(p.serial, 14);
  header.writeUInt32LE(p.sequence, 18);
  const lacing = [...Array(Math.floor(p.packet.length / 255)).fill(255), p.packet.length % 255];
  header[26] = lacing.length;
  const page = Buffer.concat([header, Buffer.from(lacing), p.packet]);
  page.writeUInt32LE(oggCrc(page), 22);
  return page;
}

/** Ogg's CRC-32: polynomial 0x04c11db7, not reflected, starting at 0. */
function oggCrc(bytes: Buffer): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 24;
    for (let i = 0; i < 8; i++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  }
  return crc >>> 0;
}

/** An MP3: an empty ID3v2.4 tag and three silent MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz). */
export function tinyMp3(): Buffer {
  const id3 = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]);
  const frame = Buffer.alloc(417); // 144 × 128 000 / 44 100
  frame.set([0xff, 0xfb, 0x90, 0x64], 0);
  return Buffer.concat([id3, frame, frame, frame]);
}

/**
 * A raw AAC stream (ADTS, as Zalo's voice notes): three AAC-LC mono 44.1 kHz frames of silence,
 * each a 7-byte header (no CRC) and its payload.
 */
export function tinyAac(): Buffer {
  const payload = Buffer.from([0x01, 0x40, 0x20, 0x07]);
  const length = 7 + payload.length;
  const header = Buffer.from([0xff, 0xf1, 0x50, 0x40 | ((length >> 11) & 0x03), (length >> 3) & 0xff, ((length & 0x07) << 5) | 0x1f, 0xfc]);
  const frame = Buffer.concat([header, payload]);
  return Buffer.concat([frame, frame, frame]);
}
