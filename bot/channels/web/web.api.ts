import express, { Router } from 'express';
import rateLimit, { ipKeyGenerator } from 'express-rate-limit';
import { SharedRateLimitStore } from '../../../coordination/express-rate-limit.store.js';
import { z } from 'zod';
import type { DataCipher } from '../../../app/crypto.js';
import { AppError } from '../../../app/errors.js';
import type { Logger } from '../../../app/logger.js';
import { MAX_EVIDENCE_BYTES } from '../../../cases/evidence.service.js';
import { LANGUAGES, tr } from '../../../locales/i18n.js';
import { ContactModel, ConversationModel, WebTranscriptModel } from '../../../models/index.js';
import { isDuplicateKey, type Store } from '../../../store/index.js';
import { detectRisk } from '../../risk/risk-detector.js';
import type { FileKeeper, InboundSink } from '../channel.js';
import { webSessionKey } from './web.sender.js';
import { isRetiredWebSession, retireWebSession } from './web.sessions.js';
import { appendToTranscript, transcriptAfter } from './web.transcript.js';

/** A browser session token: 32 random bytes the page made, base64url. Never leaves the browser but to us. */
const SessionToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'session must be 43 base64url characters');

const PostMessageBody = z
  .object({
    /** The page's own id for the message, so a retried POST is not taken twice. */
    id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
    text: z.string().trim().min(1).max(4000).optional(),
    payload: z.string().min(1).max(64).optional(),
    /** The pressed button's label, shown in the transcript as what the child said. */
    label: z.string().max(200).optional(),
    /** The page's language, for a new conversation or after the page switched language. */
    lang: z.enum(['vi', 'en']).optional(),
  })
  .refine((b) => b.text !== undefined || b.payload !== undefined, 'text or payload is required');

const ListQuery = z.object({ after: z.coerce.number().int().min(0).default(0) });

const UploadQuery = z.object({
  /** The page's own id for the upload, so a retried POST is not taken twice. */
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'id must be 8-64 base64url characters'),
  /** The page's language, for the line the transcript shows. */
  lang: z.enum(LANGUAGES).catch('vi'),
});

/** An ended session's token is refused for good: the page starts a new chat. */
const sessionEnded = (res: express.Response) => res.status(410).json({ ok: false, error: 'session_ended', message: 'this chat session was ended; start a new one' });

/** Why an upload is refused, for the page's developers; the page shows its own words. */
const UPLOAD_REFUSALS: Record<string, string> = {
  empty_file: 'the file is empty',
  unsupported_media_type: 'only photos (JPEG, PNG, WebP) and voice recordings (MP3, OGG, M4A/MP4, WebM, AAC) can be sent',
  too_large: `a file can be at most ${MAX_EVIDENCE_BYTES / 1024 / 1024} MB`,
};

export interface WebChatApiOptions {
  store: Store;
  cipher: DataCipher;
  sink: InboundSink;
  /** Keeps the bytes of an uploaded photo or voice recording as evidence. */
  keepFile: FileKeeper;
  logger: Logger;
}

/**
 * The web chat's JSON API, under /chat/api. The session token travels in the
 * `X-Chat-Session` header. No IP address or browser detail is stored.
 */
export function webChatApi({ store, cipher, sink, keepFile }: WebChatApiOptions): Router {
  const router = Router();
  const transcripts = () => store.collection(WebTranscriptModel);

  const sessionOf = (header: unknown) => {
    const parsed = SessionToken.safeParse(header);
    return parsed.success ? parsed.data : null;
  };

  // Against floods: per chat session, and far more loosely per place (a school shares one
  // address). Counted in the store, so the limits hold across every instance; keys are
  // pseudonyms kept for the minute of the window: no IP address is stored. Uploads count as messages.
  const tooMany = (_req: express.Request, res: express.Response) => void res.status(429).json({ ok: false, error: 'too_many_requests' });
  const perSession = rateLimit({
    windowMs: 60_000,
    limit: 40,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: new SharedRateLimitStore(store, 'web-chat-session'),
    keyGenerator: (req) => cipher.pseudonym('rate-limit', `s:${String(req.get('x-chat-session') ?? '').slice(0, 64)}`),
    // A message that trips risk detection is never held back (the inbound flood rule exempts it too).
    skip: (req) => typeof req.body?.text === 'string' && detectRisk(req.body.text).severity !== null,
    handler: tooMany,
  });
  const perPlace = rateLimit({
    windowMs: 60_000,
    limit: 600,
    standardHeaders: false,
    legacyHeaders: false,
    store: new SharedRateLimitStore(store, 'web-chat-place'),
    keyGenerator: (req) => cipher.pseudonym('rate-limit', ipKeyGenerator(req.ip ?? '')),
    handler: tooMany,
  });

  // Refused before the body is read: a bad request costs no upload.
  const checkUpload: express.RequestHandler = (req, res, next) => {
    if (!sessionOf(req.get('x-chat-session'))) return void res.status(400).json({ ok: false, error: 'bad_request', message: 'missing or malformed X-Chat-Session header' });
    const query = UploadQuery.safeParse(req.query);
    if (!query.success) return void res.status(400).json({ ok: false, error: 'bad_request', message: query.error.issues.map((i) => i.message).join('; ') });
    next();
  };

  /** A photo or voice recording, as the raw body: kept as evidence, then handed on like a message with one attachment. */
  router.post('/uploads', perPlace, perSession, checkUpload, express.raw({ type: () => true, limit: MAX_EVIDENCE_BYTES }), async (req, res) => {
    const token = sessionOf(req.get('x-chat-session'))!;
    const { id, lang } = UploadQuery.parse(req.query);
    const sessionKey = webSessionKey(cipher, token);
    if (await isRetiredWebSession(store, sessionKey)) return void sessionEnded(res);
    const updateId = `${sessionKey}:${id}`;
    let attachment: Awaited<ReturnType<FileKeeper>>;
    try {
      // The type comes from the file's own bytes; what the browser said is not asked.
      attachment = await keepFile({ key: updateId, bytes: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      const error = err.code === 'file_too_large' ? 'too_large' : err.code;
      return void res.status(err.status).json({ ok: false, error, message: UPLOAD_REFUSALS[error] ?? error });
    }
    // The transcript says a file was sent, never which: the page cannot fetch the evidence back.
    await keepInTranscript(updateId, sessionKey, tr(lang)(`webchat.${attachment.kind}_sent`));
    const { duplicate } = await sink({ channel: 'web', updateId, chatId: token, attachments: [attachment] });
    res.status(duplicate ? 200 : 202).json({ ok: true, duplicate, kind: attachment.kind });
  });

  router.use(express.json({ limit: '32kb' }));

  /** What the child sent, as the transcript shows it; a repeat (a retried post) is already there. */
  async function keepInTranscript(id: string, sessionKey: string, text: string) {
    try {
      await appendToTranscript(store, { _id: id, sessionKey, from: 'child', payload: { text } });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  router.get('/messages', async (req, res) => {
    const token = sessionOf(req.get('x-chat-session'));
    const query = ListQuery.safeParse(req.query);
    if (!token || !query.success) return void res.status(400).json({ ok: false, error: 'bad_request' });
    const sessionKey = webSessionKey(cipher, token);
    res.set('Cache-Control', 'no-store');
    if (await isRetiredWebSession(store, sessionKey)) return void sessionEnded(res);
    const entries = await transcriptAfter(store, sessionKey, query.data.after);
    // The bot's language, so that the page follows when the child switches it inside the chat.
    const contact = await store.collection(ContactModel).findOne({ channel: 'web', pseudonym: sessionKey });
    // Whom the bot speaks to (a child, or an adult about a child), so that the page's own words
    // follow; read only when there is something new, which is when it can have changed.
    const conv = contact && entries.length ? await store.collection(ConversationModel).findOne({ contactId: contact._id }) : null;
    const voice = conv ? (conv.writer?.voice ?? 'child') : undefined;
    res.json({ ok: true, lang: contact?.lang ?? null, voice, messages: entries.map((e) => ({ seq: e.seq, from: e.from, ...e.payload })) });
  });

  router.post('/messages', perPlace, perSession, async (req, res) => {
    const token = sessionOf(req.get('x-chat-session'));
    const body = PostMessageBody.safeParse(req.body);
    if (!token) return void res.status(400).json({ ok: false, error: 'bad_request', message: 'missing or malformed X-Chat-Session header' });
    if (!body.success) return void res.status(400).json({ ok: false, error: 'bad_request', message: body.error.issues.map((i) => i.message).join('; ') });
    const sessionKey = webSessionKey(cipher, token);
    if (await isRetiredWebSession(store, sessionKey)) return void sessionEnded(res);
    const { id, text, payload, label, lang } = body.data;
    await keepInTranscript(`${sessionKey}:${id}`, sessionKey, text ?? label ?? '');
    const { duplicate } = await sink({ channel: 'web', updateId: `${sessionKey}:${id}`, chatId: token, text, payload, lang, attachments: [] });
    res.status(duplicate ? 200 : 202).json({ ok: true, duplicate });
  });

  /**
   * Quick exit (`/exit`, sent as a beacon as the page leaves) and "Xong & xoá" (`/end`): the
   * transcript is wiped and the token retired at once; the conversation then files what the
   * child wrote and forgets the chat. An unknown or already ended session changes nothing.
   */
  const endSession = async (req: express.Request, res: express.Response) => {
    const token = sessionOf(req.get('x-chat-session') ?? (typeof req.body === 'string' ? req.body.trim() : undefined));
    if (!token) return void res.status(400).json({ ok: false, error: 'bad_request', message: 'missing or malformed session token' });
    const sessionKey = webSessionKey(cipher, token);
    if (!(await isRetiredWebSession(store, sessionKey))) {
      await sink({ channel: 'web', updateId: `${sessionKey}:end`, chatId: token, endSession: true, attachments: [] });
      await retireWebSession(store, sessionKey);
    }
    res.status(204).end();
  };
  router.post('/exit', express.text({ type: '*/*', limit: '1kb' }), endSession);
  router.post('/end', express.text({ type: '*/*', limit: '1kb' }), endSession);

  router.use((err: unknown, req: express.Request, res: express.Response, next: express.NextFunction) => {
    if ((err as { type?: string }).type === 'entity.parse.failed') return void res.status(400).json({ ok: false, error: 'bad_request', message: 'body is not valid JSON' });
    if ((err as { type?: string }).type === 'entity.too.large') return void res.status(413).json({ ok: false, error: 'too_large', message: req.path === '/uploads' ? UPLOAD_REFUSALS.too_large : 'body too large' });
    next(err);
  });
  return router;
}
