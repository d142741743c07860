import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { InboundSink } from '../channel.js';
import { TELEGRAM_ALLOWED_UPDATES, telegramUpdateSchema, toInboundMessage, type TelegramLogger } from './telegram.inbound.js';
import { createTelegramClient, type TelegramClientOptions } from './telegram.sender.js';

/** Where Telegram posts updates, relative to the app's root. */
export const TELEGRAM_WEBHOOK_PATH = '/webhooks/telegram';
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
// https://core.telegram.org/bots/api#setwebhook — secret_token: 1-256 of A-Z a-z 0-9 _ -
const SECRET_FORMAT = /^[A-Za-z0-9_-]{1,256}$/;

export interface TelegramWebhookOptions {
  /** The `secret_token` given to setWebhook; Telegram sends it back in every request. */
  secret: string;
  /** Resolves once the update is stored; only then does Telegram get its 200. */
  sink: InboundSink;
  logger: TelegramLogger;
}

/**
 * An express Router for `POST /webhooks/telegram`. Answers 401 without the right secret header,
 * 400 for a body that is not JSON or not an update, 200 for update types we ignore, 200 once the
 * sink has stored the update, and 500 when it could not (Telegram then delivers it again).
 * A button press is answered in the 200 itself (a webhook reply calling answerCallbackQuery),
 * which stops the button's spinner without another request.
 */
export function telegramWebhookRouter({ secret, sink, logger }: TelegramWebhookOptions): Router {
  if (!SECRET_FORMAT.test(secret)) throw new Error('Telegram webhook secret must be 1-256 characters of A-Z, a-z, 0-9, _ and -');
  const expected = digest(secret);
  const router = express.Router();

  const checkSecret = (req: Request, res: Response, next: NextFunction) => {
    const given = req.get(SECRET_HEADER);
    // Hashing first gives equal lengths, so the comparison time says nothing about the secret.
    if (given !== undefined && timingSafeEqual(digest(given), expected)) return next();
    logger.warn({ route: TELEGRAM_WEBHOOK_PATH }, 'telegram webhook refused: wrong or missing secret');
    res.status(401).json(failure('unauthorized', 'missing or wrong secret token'));
  };

  const parseJson = express.json({ limit: '1mb' });
  // The parser's own errors would reach the app's error handler as a 500 page; this edge answers them.
  const readJson = (req: Request, res: Response, next: NextFunction) =>
    parseJson(req, res, (err?: unknown) => {
      if (err === undefined) return next();
      const status = (err as { status?: unknown }).status === 413 ? 413 : 400;
      res.status(status).json(failure(status === 413 ? 'too_large' : 'invalid_json', status === 413 ? 'body over 1mb' : 'body is not valid JSON'));
    });

  router.post(TELEGRAM_WEBHOOK_PATH, checkSecret, readJson, async (req: Request, res: Response) => {
    const envelope = telegramUpdateSchema.safeParse(req.body);
    if (!envelope.success) {
      const issue = envelope.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : 'body';
      res.status(400).json(failure('invalid_update', `${where}: ${issue?.message ?? 'not a Telegram update'}`));
      return;
    }
    const message = toInboundMessage(envelope.data, logger);
    if (!message) {
      res.status(200).json({ ok: true });
      return;
    }
    try {
      await sink(message);
    } catch (err) {
      logger.error({ error: err instanceof Error ? err.name : typeof err }, 'telegram update not stored; answering 500 so Telegram retries');
      res.status(500).json(failure('not_stored', 'the update could not be stored; retry'));
      return;
    }
    // https://core.telegram.org/bots/api#making-requests-when-getting-updates
    res.status(200).json(message.ackId ? { method: 'answerCallbackQuery', callback_query_id: message.ackId } : { ok: true });
  });
  return router;
}

export interface SetTelegramWebhookOptions extends TelegramClientOptions {
  /** The public https URL Telegram posts to, ending in {@link TELEGRAM_WEBHOOK_PATH}. */
  url: string;
  secret: string;
}

/**
 * Registers the webhook with Telegram, asking only for the update types the bot understands.
 * Pending updates are kept. https://core.telegram.org/bots/api#setwebhook
 */
export async function setTelegramWebhook({ url, secret, ...client }: SetTelegramWebhookOptions): Promise<void> {
  if (!SECRET_FORMAT.test(secret)) throw new Error('Telegram webhook secret must be 1-256 characters of A-Z, a-z, 0-9, _ and -');
  await createTelegramClient(client).callApi('setWebhook', {
    url,
    secret_token: secret,
    allowed_updates: TELEGRAM_ALLOWED_UPDATES,
    drop_pending_updates: false,
  });
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function failure(code: string, message: string) {
  return { ok: false, error: { code, message } };
}
