import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { InboundSink } from '../channel.js';
import { toInboundMessage, zaloBodySchema, type ZaloLogger } from './zalo.inbound.js';

/** Where Zalo posts updates, relative to the app's root. */
export const ZALO_WEBHOOK_PATH = '/webhooks/zalo';
const SECRET_HEADER = 'x-bot-api-secret-token';
/** A webhook body is one small event; anything bigger is refused unread. */
export const ZALO_WEBHOOK_MAX_BODY = '64kb';

export interface ZaloWebhookOptions {
  /** The `secret_token` given to setWebhook (8–256 characters); Zalo sends it back in every call. */
  secret: string;
  /** Resolves once the update is stored; only then does Zalo get its 200. */
  sink: InboundSink;
  sealRef: (url: string) => string;
  logger: ZaloLogger;
}

/**
 * `POST /webhooks/zalo`: 401 without the right `X-Bot-Api-Secret-Token` (compared in constant
 * time), 413 for a body over 64 kB, 400 for a body that is not JSON or not an update (nothing is
 * stored), 200 for events we ignore, 200 once the sink stored the update, 500 when it could not
 * (Zalo may then deliver it again; a repeat is recognised).
 */
export function zaloWebhookRouter({ secret, sink, sealRef, logger }: ZaloWebhookOptions): Router {
  const expected = digest(secret);
  const router = express.Router();

  const checkSecret = (req: Request, res: Response, next: NextFunction) => {
    const given = req.get(SECRET_HEADER);
    // Hashing first gives equal lengths, so the comparison time says nothing about the secret.
    if (given !== undefined && timingSafeEqual(digest(given), expected)) return next();
    logger.warn({ route: ZALO_WEBHOOK_PATH }, 'zalo webhook refused: wrong or missing secret');
    res.status(401).json(failure('unauthorized', 'missing or wrong secret token'));
  };

  const parseJson = express.json({ limit: ZALO_WEBHOOK_MAX_BODY, type: () => true });
  const readJson = (req: Request, res: Response, next: NextFunction) =>
    parseJson(req, res, (err?: unknown) => {
      if (err === undefined) return next();
      const tooLarge = (err as { status?: unknown }).status === 413;
      res.status(tooLarge ? 413 : 400).json(failure(tooLarge ? 'too_large' : 'invalid_json', tooLarge ? `body over ${ZALO_WEBHOOK_MAX_BODY}` : 'body is not valid JSON'));
    });

  router.post(ZALO_WEBHOOK_PATH, checkSecret, readJson, async (req: Request, res: Response) => {
    const body = zaloBodySchema.safeParse(req.body);
    if (!body.success) return void res.status(400).json(failure('invalid_update', 'not a Zalo update (event_name missing)'));
    const message = toInboundMessage(body.data, sealRef, logger);
    if (!message) return void res.status(200).json({ ok: true });
    try {
      await sink(message);
    } catch (err) {
      logger.error({ error: err instanceof Error ? err.name : typeof err }, 'zalo update not stored; answering 500');
      return void res.status(500).json(failure('not_stored', 'the update could not be stored; retry'));
    }
    res.status(200).json({ ok: true });
  });
  return router;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function failure(code: string, message: string) {
  return { ok: false, error: { code, message } };
}
