import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler } from 'express';
import type { Agenda } from 'agenda';
import { CaseService } from '../cases/cases.service.js';
import { LiveSettings } from '../cases/live-settings.js';
import { normalizeCaseAreas } from '../cases/area-backfill.js';
import { fillAnswerDue } from '../cases/answer-due.js';
import { RetentionService } from '../cases/retention.service.js';
import { reportCalendar } from '../reports/report-calendar.js';
import { sendDueReportReminders } from '../reports/report-reminder.job.js';
import { parseYearlyDates } from '../reports/report-reminders.js';
import { ConversationEngine } from '../bot/conversation/conversation.engine.js';
import { InboundService } from '../bot/inbound.service.js';
import { FloodGuard } from '../bot/flood.guard.js';
import {
  setTelegramWebhook,
  startTelegramPolling,
  TelegramFiles,
  telegramWebhookRouter,
  TelegramSender,
  TELEGRAM_SENDER_MODULE,
} from '../bot/channels/telegram/telegram.adapter.js';
import { Lease } from '../coordination/lease.js';
import { runWhileLeased, type LeasedRunner } from '../coordination/leased-task.js';
import { WebChatSender } from '../bot/channels/web/web.sender.js';
import { startZaloPolling, ZaloClient, ZaloFiles, ZaloSender, zaloWebhookRouter } from '../bot/channels/zalo/zalo.adapter.js';
import { ChannelStatusService, type ChannelSetup } from '../bot/channels/channel-status.service.js';
import { webChatRouter } from '../bot/channels/web/web.routes.js';
import { backofficeRouter } from '../backoffice/backoffice.router.js';
import { ensureFirstAdmin } from '../backoffice/auth/bootstrap.js';
import { StaffSessionStore } from '../backoffice/session.store.js';
import { backofficeFeatures } from '../backoffice/features.js';
import { DEFAULT_OUTBOX_OPTIONS, Outbox, type OutboxOptions } from '../outbox/outbox.service.js';
import { ThreadedSender } from '../outbox/sender-thread.js';
import { drainScheduler, startScheduler } from '../scheduler/scheduler.js';
import { ALL_MODELS } from '../models/all-models.js';
import { CHANNELS } from '../models/index.js';
import { ensureIndexes, openStore, type IntegrityVerdict, type Store } from '../store/index.js';
import { CaseAlerts } from '../notifications/case-alerts.js';
import { NotificationService } from '../notifications/notification.service.js';
import { EscalationLadder } from '../scheduler/ladder.js';
import type { Config } from './config.js';
import { DataCipher } from './crypto.js';
import { AppError } from './errors.js';
import { createLogger, type Logger } from './logger.js';

export interface AppOptions {
  logger?: Logger;
  outbox?: Partial<OutboxOptions>;
  /** agenda's polling interval (tests use a short one). */
  processEvery?: string | number;
  outboxEvery?: string;
  telegramPoll?: { pollTimeoutSeconds?: number; backoffMs?: number; maxBackoffMs?: number; leaseMs?: number };
  zaloPoll?: { pollTimeoutSeconds?: number; backoffMs?: number; maxBackoffMs?: number; leaseMs?: number };
  /**
   * A store already open, shared with another instance in this process (tests of several
   * instances); it is left open on stop. By default the app opens the configured one.
   */
  store?: Store;
  /** The embedded database file's integrity check, started before the modules loaded (main.ts). */
  integrity?: Promise<IntegrityVerdict>;
  /** How often the escalation ladder is swept (agenda interval; default 30 seconds). */
  ladderEvery?: string;
  /** The clock of the ladder and the notifications (tests move time). */
  clock?: () => Date;
}

/** The whole application in one process: store, services, channels, scheduler and HTTP server. */
export interface App {
  config: Config;
  logger: Logger;
  store: Store;
  cipher: DataCipher;
  outbox: Outbox;
  cases: CaseService;
  engine: ConversationEngine;
  inbound: InboundService;
  notifications: NotificationService;
  ladder: EscalationLadder;
  /** Erases what is past its retention period (the daily job calls it). */
  retention: RetentionService;
  /** The daily retention job's run: the period in force (the admins' setting, else RETENTION_DAYS). */
  eraseExpired(now?: Date): ReturnType<RetentionService['run']>;
  agenda: Agenda;
  server: http.Server;
  /** The URL the HTTP server listens on. */
  url: string;
  stop(): Promise<void>;
}

export async function startApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const store = options.store ?? (await openStore({ mongodbUri: config.MONGODB_URI, dataDir: config.DATA_DIR, log: (message) => logger.info(message), integrity: options.integrity }));
  // Every collection registered and every index built, awaited, before anything is served.
  await ensureIndexes(store, ALL_MODELS, (message) => logger.info(message)).catch(async (err: unknown) => {
    if (!options.store) await store.close().catch(() => undefined);
    throw err;
  });
  const cipher = new DataCipher(config.dataKey);
  const outbox = new Outbox(store, cipher, logger, { ...DEFAULT_OUTBOX_OPTIONS, ...options.outbox });
  // The admin's saved settings, else the environment's values.
  const settings = await new LiveSettings(store, logger, {
    provinceHotline: config.PROVINCE_HOTLINE,
    provinceName: config.PROVINCE_NAME,
    staffTelegramChatId: config.STAFF_TELEGRAM_CHAT_ID,
  }).start();
  let publicUrl = config.PUBLIC_URL ?? '';
  // nodemailer is loaded only when e-mail is configured (a fifth of a second of every start otherwise).
  const email = config.SMTP_URL && config.SMTP_FROM ? new (await import('../notifications/email.sender.js')).EmailSender(config.SMTP_URL, config.SMTP_FROM, (sealed) => cipher.decrypt(sealed)) : null;
  if (email) outbox.registerSender(email);
  const notifications = new NotificationService({
    store,
    outbox,
    cipher,
    logger,
    staffGroup: () => settings.current().staffTelegramChatId,
    publicUrl: () => publicUrl,
    emailOn: email !== null,
    clock: options.clock,
  });
  const caseAlerts = new CaseAlerts(store, notifications, logger);
  const cases = new CaseService(store, outbox, cipher, logger, () => {
    const { sla, escalation, staffTelegramChatId: staffChat } = settings.current();
    return { sla, escalation, staffAlertTarget: staffChat && config.TELEGRAM_BOT_TOKEN ? { channel: 'telegram', chatId: staffChat } : null };
  }, caseAlerts);
  const ladder = new EscalationLadder({ store, alerts: caseAlerts, logger, settings: () => settings.current(), clock: options.clock });
  const areas = settings.areas;
  const engine = new ConversationEngine({
    store,
    cases,
    areas,
    logger,
    forgetChat: (contact) => outbox.forgetChat(contact),
    settings: () => {
      const { provinceHotline, provinceName } = settings.current();
      // The chat channels running: those whose sender is registered (the web chat always is).
      const running = outbox.connectedChannels();
      return { provinceHotline, provinceName, webChatUrl: `${publicUrl}/chat`, channels: CHANNELS.filter((c) => running.includes(c)) };
    },
  });
  const flood = new FloodGuard(store, { limit: config.FLOOD_LIMIT, windowMs: config.FLOOD_WINDOW_SECONDS * 1000 });
  const inbound = new InboundService(store, cipher, engine, outbox, logger, flood);
  outbox.startDelivery();
  const channels = new ChannelStatusService(store, channelSetups(config, () => `${publicUrl}/chat`));
  // A Zalo file URL may open the file for anyone: it travels sealed, opened only by ZaloFiles.
  const zaloRef = { seal: (url: string) => cipher.encrypt(url), unseal: (ref: string) => cipher.decrypt(ref) };
  const zaloProblem = (error: string | null) =>
    void (error ? channels.reportProblem('zalo', error) : channels.reportOk('zalo')).catch((err: unknown) => logger.warn({ err }, 'zalo status not saved'));
  const sink = (msg: Parameters<InboundService['receive']>[0]) => inbound.receive(msg);

  outbox.registerSender(new WebChatSender(store, cipher));
  if (config.TELEGRAM_BOT_TOKEN) {
    const telegram = { token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT };
    // On a thread of its own: the Bot API's HTTP never runs where the children's messages arrive.
    const spec = { channel: 'telegram' as const, moduleUrl: TELEGRAM_SENDER_MODULE, exportName: TelegramSender.name, options: telegram };
    outbox.registerSender(new ThreadedSender(spec, (err) => logger.error({ err }, 'telegram: the sending thread stopped; messages are retried')));
    cases.evidence.registerSource(new TelegramFiles({ token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT }));
  }
  if (config.ZALO_BOT_TOKEN) {
    const zalo = { token: config.ZALO_BOT_TOKEN, apiRoot: config.ZALO_API_ROOT };
    outbox.registerSender(new ZaloSender({ ...zalo, logger, onUnauthorized: zaloProblem }));
    cases.evidence.registerSource(new ZaloFiles({ unsealRef: zaloRef.unseal, allowHttp: config.ZALO_API_ROOT.startsWith('http:') }));
  }
  const keepFile = (file: { key: string; bytes: Buffer }) => cases.evidence.keep({ ...file, source: 'web' });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  // The platforms' webhooks first: every child's message comes this way, past no other route.
  if (config.TELEGRAM_BOT_TOKEN && config.TELEGRAM_WEBHOOK_URL && config.TELEGRAM_WEBHOOK_SECRET) {
    app.use(telegramWebhookRouter({ secret: config.TELEGRAM_WEBHOOK_SECRET, sink, logger }));
  }
  if (config.ZALO_BOT_TOKEN && config.ZALO_WEBHOOK_URL && config.ZALO_WEBHOOK_SECRET) {
    app.use(zaloWebhookRouter({ secret: config.ZALO_WEBHOOK_SECRET, sink, sealRef: zaloRef.seal, logger }));
  }
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', (_req, res) => {
    const ready = store.isReady();
    res.status(ready ? 200 : 503).json({ ok: ready, engine: store.engine, channels: outbox.connectedChannels() });
  });
  app.get('/', (_req, res) => res.redirect('/chat'));
  app.use('/chat', webChatRouter({ store, cipher, sink, keepFile, logger, quickExitUrl: config.QUICK_EXIT_URL }));
  const sessions = new StaffSessionStore(store, 8 * 60 * 60_000);
  await ensureFirstAdmin(store, config, logger);
  app.use('/admin', backofficeRouter({ config, store, cipher, logger, cases, outbox, sessions, notifications, channels }, backofficeFeatures));
  app.use((_req, _res, next) => next(new AppError('not_found', 404)));
  app.use(errorHandler(logger));

  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  const address = server.address() as AddressInfo;
  const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;
  publicUrl ||= url.replace('0.0.0.0', '127.0.0.1');

  const retention = new RetentionService(store, cases, logger);
  const eraseExpired = (now?: Date) =>
    retention.run({ closedCaseDays: settings.current().retentionDays ?? config.RETENTION_DAYS, shortDays: config.RETENTION_SHORT_DAYS }, now);
  const reminderDeps = {
    store,
    calendar: reportCalendar(settings.current().workingDays),
    schedule: { daysBefore: config.REPORT_REMINDER_DAYS_BEFORE, yearly: parseYearlyDates(config.REPORT_YEARLY_DATES) },
    notifications,
  };
  await ladder.backfill();
  // Places children typed before they were matched to the area list come into coordinators' scope.
  await normalizeCaseAreas(store, settings.areas, logger);
  await fillAnswerDue(store, logger);
  const agenda = await startScheduler({
    store,
    dataDir: config.DATA_DIR,
    logger,
    outbox,
    inbound,
    evidence: cases.evidence,
    eraseExpired: () => eraseExpired(),
    remindReports: () => sendDueReportReminders(reminderDeps),
    processEvery: options.processEvery,
    outboxEvery: options.outboxEvery,
    ladder,
    ladderEvery: options.ladderEvery,
  });
  // Whatever a crash left half-done (stored but not handled) is picked up again.
  void inbound.processPending().catch((err: unknown) => logger.error({ err }, 'startup sweep failed'));

  let polling: LeasedRunner | null = null;
  if (config.TELEGRAM_BOT_TOKEN) {
    const token = config.TELEGRAM_BOT_TOKEN;
    if (config.TELEGRAM_WEBHOOK_URL && config.TELEGRAM_WEBHOOK_SECRET) {
      // Every instance serves the webhook; setting it again is harmless.
      await setTelegramWebhook({ token, apiRoot: config.TELEGRAM_API_ROOT, url: config.TELEGRAM_WEBHOOK_URL, secret: config.TELEGRAM_WEBHOOK_SECRET });
      logger.info('telegram: webhook mode');
    } else {
      // Telegram answers 409 to a second poller of the same bot: one instance polls, by lease.
      const { leaseMs = 30_000, ...pollOptions } = options.telegramPoll ?? {};
      const lease = new Lease(store, `telegram-polling:${token.split(':')[0]}`, { ttlMs: leaseMs });
      polling = runWhileLeased(lease, () => startTelegramPolling({ token, apiRoot: config.TELEGRAM_API_ROOT, sink, logger, ...pollOptions }), { logger });
      logger.info('telegram: long polling (in the instance that holds the lease)');
    }
  }

  let zaloPolling: LeasedRunner | null = null;
  if (config.ZALO_BOT_TOKEN) {
    const zalo = { token: config.ZALO_BOT_TOKEN, apiRoot: config.ZALO_API_ROOT };
    if (config.ZALO_WEBHOOK_URL && config.ZALO_WEBHOOK_SECRET) {
      await new ZaloClient(zalo).setWebhook(config.ZALO_WEBHOOK_URL, config.ZALO_WEBHOOK_SECRET).then(
        () => zaloProblem(null),
        (err: unknown) => {
          logger.error({ error: err instanceof Error ? err.message : typeof err }, 'zalo setWebhook failed: updates will not arrive until it succeeds');
          zaloProblem(err instanceof Error ? err.message : 'setWebhook failed');
        },
      );
      logger.info('zalo: webhook mode');
    } else {
      // Zalo hands each update to one getUpdates call: one instance polls, by lease.
      const { leaseMs = 30_000, ...pollOptions } = options.zaloPoll ?? {};
      const lease = new Lease(store, `zalo-polling:${zalo.token.split(':')[0]}`, { ttlMs: leaseMs });
      zaloPolling = runWhileLeased(lease, () => startZaloPolling({ ...zalo, sink, sealRef: zaloRef.seal, logger, onProblem: zaloProblem, ...pollOptions }), { logger });
      logger.info('zalo: polling (in the instance that holds the lease)');
    }
  }

  let stopped = false;
  return {
    config,
    logger,
    store,
    cipher,
    outbox,
    cases,
    engine,
    inbound,
    notifications,
    ladder,
    retention,
    eraseExpired,
    agenda,
    server,
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      settings.stop();
      await polling?.stop();
      await zaloPolling?.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await inbound.idle();
      await outbox.stopDelivery();
      await drainScheduler(agenda);
      email?.close();
      if (!options.store) await store.close();
    },
  };
}

/** How each channel is set up in this deployment, for its status on the settings page. */
function channelSetups(config: Config, chatUrl: () => string): ChannelSetup[] {
  const telegram: ChannelSetup = !config.TELEGRAM_BOT_TOKEN
    ? { channel: 'telegram', mode: 'off', enableWith: 'TELEGRAM_BOT_TOKEN' }
    : config.TELEGRAM_WEBHOOK_URL && config.TELEGRAM_WEBHOOK_SECRET
      ? { channel: 'telegram', mode: 'webhook', address: config.TELEGRAM_WEBHOOK_URL }
      : { channel: 'telegram', mode: 'polling' };
  return [
    telegram,
    { channel: 'web', mode: 'page', get address() { return chatUrl(); } },
    !config.ZALO_BOT_TOKEN
      ? { channel: 'zalo', mode: 'off', enableWith: 'ZALO_BOT_TOKEN' }
      : config.ZALO_WEBHOOK_URL && config.ZALO_WEBHOOK_SECRET
        ? { channel: 'zalo', mode: 'webhook', address: config.ZALO_WEBHOOK_URL }
        : { channel: 'zalo', mode: 'polling' },
  ];
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const status = err instanceof AppError ? err.status : typeof err?.status === 'number' ? err.status : 500;
    const code = err instanceof AppError ? err.code : status === 400 ? 'bad_request' : status === 404 ? 'not_found' : 'internal';
    if (status >= 500) logger.error({ err, path: req.path }, 'request failed');
    res.status(status).json({ ok: false, error: code });
  };
}

export const dataPath = (config: Config, ...parts: string[]) => path.join(config.DATA_DIR, ...parts);
