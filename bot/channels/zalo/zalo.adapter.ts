/**
 * The Zalo channel (Zalo Bot Platform, https://bot.zaloplatforms.com/docs): the only part of the
 * code that knows its API. A small axios client of our own (no SDK); updates arrive by webhook
 * (`POST /webhooks/zalo`, secret header checked) or by polling getUpdates (one update per call,
 * 408 when none), each stored before it is acknowledged; outbound messages become text with
 * numbered options (Zalo has no buttons); photos and voice notes are downloaded from the URL
 * Zalo gives, for the evidence job. See `docs/ZALO_BOT_API.md` in the shared docs for the facts.
 */
export { ZaloClient, ZaloApiError, ZALO_DEFAULT_API_ROOT, ZALO_MAX_TEXT_LENGTH } from './zalo.client.js';
export type { ZaloClientOptions } from './zalo.client.js';
export { toInboundMessage, zaloBodySchema } from './zalo.inbound.js';
export type { ZaloLogger } from './zalo.inbound.js';
export { ZaloSender, splitText, withOptions } from './zalo.sender.js';
export { ZaloFiles } from './zalo.files.js';
export { startZaloPolling } from './zalo.polling.js';
export type { ZaloPolling, ZaloPollingOptions } from './zalo.polling.js';
export { zaloWebhookRouter, ZALO_WEBHOOK_PATH, ZALO_WEBHOOK_MAX_BODY } from './zalo.webhook.js';
