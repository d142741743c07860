/**
 * The escalation ladder at scale, on the embedded engine, in this process: every case of the
 * seeded store made open and unanswered. A case's ladder is planned as the case opens (its
 * `nextReminderAt` is its first rung), so the recurring sweep (every 30 seconds) only reads the
 * cases whose moment has come: "scheduling" 100k open cases is that sweep, timed with nothing
 * due. Beside it, the worst case: every case's ladder re-planned at once (after an upgrade from
 * a version without the ladder, or a restore), timed against reading the same due cases alone.
 * RSS of this process after the sweeps. Size: `--ladder-cases=100000` (`--quick`: 5,000).
 */
import { DataCipher } from '../../app/crypto.js';
import { createLogger } from '../../app/logger.js';
import { CaseModel, DEFAULT_ESCALATION, type Case } from '../../models/index.js';
import { CaseAlerts } from '../../notifications/case-alerts.js';
import { NotificationService } from '../../notifications/notification.service.js';
import { Outbox } from '../../outbox/outbox.service.js';
import { EscalationLadder } from '../../scheduler/ladder.js';
import { openStore, type Store } from '../../store/index.js';
import { defineScenario } from '../lib/registry.js';
import { copyOfTemplate, seededTemplate } from '../lib/seed.js';
import type { Row } from '../lib/table.js';

const TARGET_MS = 5_000;

export default defineScenario({
  name: 'ladder',
  order: 30,
  async run(ctx) {
    const size = Number(ctx.option('ladder-cases', ctx.quick ? '5000' : '100000'));
    const seeded = copyOfTemplate(await seededTemplate(ctx.cacheDir, size, ctx.log), ctx.tempDir('htx-bench-ladder-'));
    const store = await openStore({ dataDir: seeded.dataDir });
    try {
      const logger = createLogger('silent');
      const cipher = new DataCipher(seeded.dataKey);
      const notifications = new NotificationService({ store, outbox: new Outbox(store, cipher, logger), cipher, logger, staffGroup: () => undefined, publicUrl: () => 'http://127.0.0.1', emailOn: false });
      const ladder = new EscalationLadder({ store, alerts: new CaseAlerts(store, notifications, logger), logger, settings: () => ({ escalation: DEFAULT_ESCALATION }) });
      const replan: number[] = [];
      const read: number[] = [];
      const steady: number[] = [];
      const rss: number[] = [];
      for (let rep = 0; rep < ctx.reps; rep++) {
        const now = await unplanAll(store);
        read.push(await timed(() => readDue(store, now)));
        let looked = 0;
        replan.push(await timed(async () => ({ looked } = await ladder.sweep(now))));
        if (looked !== size) throw new Error(`the sweep looked at ${looked} cases, not ${size}`);
        steady.push(await timed(async () => ({ looked } = await ladder.sweep(now))));
        if (looked !== 0) throw new Error(`the steady sweep looked at ${looked} cases`);
        rss.push(process.memoryUsage().rss / 2 ** 20);
        ctx.log(`ladder ${size}: steady sweep ${steady.at(-1)!.toFixed(1)} ms; re-planning all ${Math.round(replan.at(-1)!)} ms (reading alone ${Math.round(read.at(-1)!)} ms); RSS ${Math.round(rss.at(-1)!)} MB`);
      }
      const scenario = `escalation ladder, ${size.toLocaleString('en-US')} open cases`;
      return [
        { scenario, metric: 'scheduling: the 30-second sweep, every case planned', unit: 'ms', ours: steady, target: { text: `< ${TARGET_MS.toLocaleString('en-US')} ms`, met: (o: number) => o < TARGET_MS } },
        { scenario, metric: 're-planning every case at once (upgrade, restore)', unit: 'ms', ours: replan, baseline: read, baselineName: 'reading the due cases alone', ratio: true },
        { scenario, metric: 'RSS of the bench process after the sweeps', unit: 'MB', ours: rss },
      ] satisfies Row[];
    } finally {
      await store.close();
    }
  },
});

/** Every case open, unanswered and due for planning, as if the ladder had never seen it. */
async function unplanAll(store: Store): Promise<Date> {
  const now = new Date();
  await store.transaction(() =>
    store.collection(CaseModel).updateMany({}, { $set: { status: 'new', firstResponseAt: null, nextReminderAt: new Date(now.getTime() - 1) }, $unset: { ladder: '' } }),
  );
  return now;
}

/** What the sweep must read anyway: every due case, in `nextReminderAt` order. */
async function readDue(store: Store, now: Date) {
  await store.collection<Case>(CaseModel).find({ nextReminderAt: { $lte: now } }, { sort: { nextReminderAt: 1 } });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}
