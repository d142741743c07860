import { Agenda, InMemoryNotificationChannel } from 'agenda';
import type { Logger } from '../app/logger.js';
import { TIME_ZONE } from '../app/time.js';
import type { InboundService } from '../bot/inbound.service.js';
import type { EvidenceService } from '../cases/evidence.service.js';
import type { Outbox } from '../outbox/outbox.service.js';
import { MongoStore, type EmbeddedStore, type Store } from '../store/index.js';
import { EmbeddedAgendaBackend } from './embedded/embedded-agenda.backend.js';
import { JOBS } from './jobs.js';
import type { EscalationLadder } from './ladder.js';
import { mongoAgendaBackend } from './mongo-agenda.backend.js';

export interface SchedulerOptions {
  store: Store;
  dataDir: string;
  logger: Logger;
  outbox: Outbox;
  inbound: InboundService;
  evidence: EvidenceService;
  /** The escalation ladder, swept every `ladderEvery` (default 30 seconds). */
  ladder?: EscalationLadder;
  ladderEvery?: string;
  /** Retention: erases what is past its period (daily). */
  eraseExpired?: () => Promise<unknown>;
  /** Sends the report reminders due today (daily). */
  remindReports?: () => Promise<unknown>;
  /** How often agenda looks for due jobs. */
  processEvery?: string | number;
  /** How often the outbox is swept for what no in-process lane delivered (restarts, other instances). */
  outboxEvery?: string;
}

/**
 * agenda on the active engine, with the application's jobs defined and scheduled. Jobs created
 * in this process run at once (in-memory notifications); other instances find them by polling.
 */
export async function startScheduler(options: SchedulerOptions): Promise<Agenda> {
  const { store, logger } = options;
  const backend =
    store instanceof MongoStore
      ? await mongoAgendaBackend(store)
      : new EmbeddedAgendaBackend({ database: (store as EmbeddedStore).database });
  const agenda = new Agenda({
    backend,
    notificationChannel: new InMemoryNotificationChannel(),
    processEvery: options.processEvery ?? '2 seconds',
    removeOnComplete: true,
    name: `htx-${process.pid}`,
  });
  agenda.on('error', (err) => logger.error({ err }, 'scheduler error'));
  agenda.on('fail', (err, job) => logger.error({ err, job: job.attrs.name }, 'job failed'));

  agenda.define(JOBS.deliverOutbox, async () => {
    await options.outbox.deliverDue();
  }, { concurrency: 1, lockLifetime: 5 * 60_000 });
  agenda.define(JOBS.sweepInbound, async () => {
    await options.inbound.processPending();
  }, { concurrency: 1 });
  agenda.define(JOBS.fetchEvidence, async () => {
    // Until nothing is due: files queued while a run was under way are not left for the next tick.
    while ((await options.evidence.fetchDue()) > 0);
  }, { concurrency: 1, lockLifetime: 10 * 60_000 });

  const { ladder } = options;
  if (ladder) {
    agenda.define(JOBS.sweepLadder, async () => {
      await ladder.sweep();
    }, { concurrency: 1, lockLifetime: 5 * 60_000 });
  }
  const daily = [
    [JOBS.eraseExpired, options.eraseExpired, '30 2 * * *'],
    [JOBS.remindReports, options.remindReports, '0 8 * * *'],
  ] as const;
  for (const [name, run] of daily) if (run) agenda.define(name, async () => void (await run()), { concurrency: 1, lockLifetime: 30 * 60_000 });

  await agenda.ready;
  await agenda.start();
  await agenda.every(options.outboxEvery ?? '5 seconds', JOBS.deliverOutbox);
  await agenda.every('30 seconds', JOBS.sweepInbound);
  await agenda.every('1 minute', JOBS.fetchEvidence);
  if (ladder) await agenda.every(options.ladderEvery ?? '30 seconds', JOBS.sweepLadder);
  // Vietnam's clock: retention at night, reminders at the start of the working day.
  for (const [name, run, cron] of daily) if (run) await agenda.every(cron, name, undefined, { timezone: TIME_ZONE, skipImmediate: true });
  options.evidence.onKick(() => {
    agenda.now(JOBS.fetchEvidence).catch((err: unknown) => logger.error({ err }, 'could not schedule an evidence fetch'));
  });
  return agenda;
}

/**
 * Stops taking jobs and waits (at most `timeoutMs`) for those running to finish.
 * agenda 6.2's own drain checks for running jobs one tick after a job's 'complete' event,
 * before the job has left its running list, and then waits out its whole timeout; so the drain
 * is ended here as soon as nothing runs any more (it has stopped new jobs by then).
 */
export async function drainScheduler(agenda: Agenda, timeoutMs = 10_000): Promise<void> {
  const idle = new AbortController();
  const done = agenda.drain({ timeout: timeoutMs, signal: idle.signal });
  const deadline = Date.now() + timeoutMs;
  void (async () => {
    while (!idle.signal.aborted && Date.now() < deadline) {
      const stats = await agenda.getRunningStats().catch(() => null);
      const running = stats ? (Array.isArray(stats.runningJobs) ? stats.runningJobs.length : stats.runningJobs) : 0;
      if (running === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    idle.abort();
  })();
  await done.catch(() => agenda.stop());
}
