/**
 * Intake through the Telegram webhook: the real app (a child process, as `npm start` runs it)
 * against a bare telegraf echo bot, both replying through the same local Bot API (the test
 * fake, in the bench process). Children in a closed loop (each sends its next message when it
 * got the answer), then a steady 30 messages per second.
 */
import crypto from 'node:crypto';
import { FakeBotApi } from '../../tests/fakes/fake-bot-api.js';
import { defineScenario, type BenchContext } from '../lib/registry.js';
import { appScript, startProcess, type ServerProcess } from '../lib/processes.js';
import { percentile } from '../lib/stats.js';
import type { Row } from '../lib/table.js';
import { TelegramLoad, TurnWatcher, WEBHOOK_PATH, WEBHOOK_SECRET, type LoadResult } from '../lib/telegram-load.js';

const ECHO = 'bare telegraf echo bot';

export default defineScenario({
  name: 'intake',
  order: 10,
  async run(ctx) {
    const fake = await new FakeBotApi().start();
    const watcher = new TurnWatcher(fake);
    const load = new TelegramLoad(watcher);
    let app: ServerProcess | null = null;
    let echo: ServerProcess | null = null;
    try {
      app = await startApp(ctx, fake);
      echo = await startProcess({ root: ctx.root, script: 'bench/echo-bot.ts', readyPath: '/readyz', env: { BOT_TOKEN: fake.token, API_ROOT: fake.apiRoot, SECRET: WEBHOOK_SECRET } });
      ctx.log(`intake: app ready in ${Math.round(app.startupMs)} ms; warming up`);
      await load.closedLoop(app, 2, 1);
      await load.closedLoop(echo, 2, 1);
      const rows = [...(await closedLoopRows(ctx, load, app, echo)), ...(await steadyRows(ctx, load, app, echo))];
      ctx.log(`intake: ${watcher.receipts} receipts with a case code sent`);
      return rows;
    } finally {
      await app?.stop();
      await echo?.stop();
      await fake.stop();
    }
  },
});

function startApp(ctx: BenchContext, fake: FakeBotApi) {
  return startProcess({
    root: ctx.root,
    script: appScript(ctx.root),
    readyPath: '/readyz',
    profileDir: ctx.profileDir,
    env: {
      DATA_DIR: ctx.tempDir('htx-bench-intake-'),
      DATA_KEY: crypto.randomBytes(32).toString('hex'),
      LOG_LEVEL: 'error',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_URL: `https://bot.example.test${WEBHOOK_PATH}`,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    },
  });
}

/** 1, 20 and 100 children at once; each level measured `reps` times, app and echo bot in turn. */
async function closedLoopRows(ctx: BenchContext, load: TelegramLoad, app: ServerProcess, echo: ServerProcess): Promise<Row[]> {
  const levels = ctx.quick ? [{ children: 1, conversations: 3 }, { children: 20, conversations: 1 }] : [
    { children: 1, conversations: 15 },
    { children: 20, conversations: 1 },
    { children: 100, conversations: 1 },
  ];
  const rows: Row[] = [];
  for (const { children, conversations } of levels) {
    const ours: LoadResult[] = [];
    const base: LoadResult[] = [];
    for (let rep = 0; rep < ctx.reps; rep++) {
      const receiptsBefore = load.receipts;
      ours.push(await load.closedLoop(app, children, conversations));
      assertReportsCompleted(load.receipts - receiptsBefore, children * conversations);
      base.push(await load.closedLoop(echo, children, conversations));
      ctx.log(`intake ×${children}: ${ours.at(-1)!.turnsPerSecond.toFixed(1)} turns/s (echo ${base.at(-1)!.turnsPerSecond.toFixed(1)}), CPU ${ours.at(-1)!.cpuMsPerTurn.toFixed(2)} ms/turn (echo ${base.at(-1)!.cpuMsPerTurn.toFixed(2)}), main thread ${ours.at(-1)!.mainThreadCpuMsPerTurn.toFixed(2)} ms/turn (echo ${base.at(-1)!.mainThreadCpuMsPerTurn.toFixed(2)}), ${ours.at(-1)!.failed} failed`);
    }
    const scenario = `intake, ${children} ${children === 1 ? 'child' : 'children'}`;
    const tps = (r: LoadResult[]) => r.map((x) => x.turnsPerSecond);
    rows.push({ scenario, metric: 'turns/s', unit: 'turns/s', ours: tps(ours), baseline: tps(base), baselineName: ECHO, ratio: true, target: { text: '≥ 0.25× baseline', met: (o, b) => o >= 0.25 * b } });
    rows.push({ scenario, metric: 'CPU per turn', unit: 'ms', ours: ours.map((r) => r.cpuMsPerTurn), baseline: base.map((r) => r.cpuMsPerTurn), baselineName: ECHO, ratio: true });
    rows.push({ scenario, metric: 'main-thread CPU per turn', unit: 'ms', ours: ours.map((r) => r.mainThreadCpuMsPerTurn), baseline: base.map((r) => r.mainThreadCpuMsPerTurn), baselineName: ECHO, ratio: true });
    for (const p of [50, 95, 99]) {
      rows.push({ scenario, metric: `update→reply p${p}`, unit: 'ms', ours: ours.map((r) => percentile(r.latencies, p)), baseline: base.map((r) => percentile(r.latencies, p)), baselineName: ECHO });
    }
    const failed = ours.reduce((n, r) => n + r.failed, 0);
    if (failed) rows.push({ scenario, metric: 'turns unanswered within 60 s', unit: 'turns', ours: ours.map((r) => r.failed), target: { text: '0', met: (o) => o === 0 } });
  }
  return rows;
}

/**
 * Every scripted conversation must end with a receipt carrying a case code: otherwise the bench
 * measured something other than a child's report (a script that no longer fits the flow).
 */
function assertReportsCompleted(receipts: number, conversations: number) {
  if (receipts !== conversations) {
    throw new Error(`${receipts} of ${conversations} scripted reports ended with a receipt: bench/lib/telegram-load.ts REPORT_CONVERSATION no longer fits the conversation`);
  }
}

/** A steady 30 messages per second (Telegram's own per-bot send ceiling). */
async function steadyRows(ctx: BenchContext, load: TelegramLoad, app: ServerProcess, echo: ServerProcess): Promise<Row[]> {
  const seconds = ctx.quick ? 3 : 10;
  const ours: LoadResult[] = [];
  const base: LoadResult[] = [];
  for (let rep = 0; rep < ctx.reps; rep++) {
    ours.push(await load.steady(app, 30, seconds));
    base.push(await load.steady(echo, 30, seconds));
    ctx.log(`steady 30/s: p95 ${percentile(ours.at(-1)!.latencies, 95).toFixed(1)} ms (echo ${percentile(base.at(-1)!.latencies, 95).toFixed(1)} ms)`);
  }
  const scenario = `steady 30 msg/s for ${seconds} s`;
  return [
    { scenario, metric: 'update→reply p50', unit: 'ms', ours: ours.map((r) => percentile(r.latencies, 50)), baseline: base.map((r) => percentile(r.latencies, 50)), baselineName: ECHO },
    {
      scenario,
      metric: 'update→reply p95',
      unit: 'ms',
      ours: ours.map((r) => percentile(r.latencies, 95)),
      baseline: base.map((r) => percentile(r.latencies, 95)),
      baselineName: ECHO,
      target: { text: '< 50 ms', met: (o) => o < 50 },
    },
  ];
}
