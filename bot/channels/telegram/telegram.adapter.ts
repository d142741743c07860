/**
 * The Telegram channel: the only part of the code that knows telegraf or the Bot API
 * (https://core.telegram.org/bots/api). Inbound, an update becomes one InboundMessage, by long
 * polling or by webhook, acknowledged only once stored; outbound, a TelegramSender turns an
 * OutboundMessage into sendMessage calls with an inline keyboard; TelegramFiles downloads the
 * photos and voice notes children send, to be kept as evidence.
 */
export { TelegramSender, TELEGRAM_SENDER_MODULE, splitText, toDeliveryFailure, MAX_TEXT_LENGTH, MAX_CALLBACK_DATA_BYTES } from './telegram.sender.js';
export type { TelegramSenderOptions, TelegramClientOptions } from './telegram.sender.js';
export { TelegramFiles, TELEGRAM_MAX_DOWNLOAD_BYTES } from './telegram.files.js';
export type { TelegramFilesOptions } from './telegram.files.js';
export { toInboundMessage } from './telegram.inbound.js';
export type { TelegramLogger } from './telegram.inbound.js';
export { startTelegramPolling } from './telegram.polling.js';
export type { TelegramPolling, TelegramPollingOptions } from './telegram.polling.js';
export { telegramWebhookRouter, setTelegramWebhook, TELEGRAM_WEBHOOK_PATH } from './telegram.webhook.js';
export type { TelegramWebhookOptions, SetTelegramWebhookOptions } from './telegram.webhook.js';
