import pino from 'pino';

/**
 * Structured logs. Never pass message text, chat ids or contact details: log case codes,
 * pseudonyms and counts. The redact list is a safety net, not the rule.
 */
export function createLogger(level: string) {
  return pino({
    level,
    base: { app: 'hop-thu-xanh' },
    redact: {
      paths: ['text', '*.text', 'chatId', '*.chatId', 'address', '*.address', 'contact', '*.contact', 'password', '*.password'],
      censor: '[redacted]',
    },
  });
}

export type Logger = ReturnType<typeof createLogger>;
