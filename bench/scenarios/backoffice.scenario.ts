/**
 * The back office at scale: cases seeded through the case service (3 of the child's messages
 * each), then the real app started on them as a child process and asked through its HTTP
 * routes by a signed-in staff member, as a browser would. Each repetition starts the app anew
 * (start-up time), then times every page, and reads the app's RSS at the end.
 * Sizes: `--cases=10000,100000` (the default; `--quick`: 1,000 and 5,000). `--against=<dir>`
 * measures another checkout (main, say) on the same store in the same run, side by side.
 */
import os from 'node:os';
import path from 'node:path';
import { AdminClient } from '../../tests/helpers/admin-client.js';
import { defineScenario, type BenchContext } from '../lib/registry.js';
import { appScript, startProcess } from '../lib/processes.js';
import { BENCH_STAFF, copyOfTemplate, RARE_WORDS, seededTemplate, type SampleCase } from '../lib/seed.js';
import { percentile } from '../lib/stats.js';
import type { Row } from '../lib/table.js';

/** Per page and repetition: this many requests at most, or until the time is spent. */
const MAX_REQUESTS = 30;
const BUDGET_MS = 6_000;

interface Page {
  name: string;
  path: (sample: SampleCase) => string;
  /** The p95 target in ms at the largest size. */
  targetMs: number;
}

const PAGES: Page[] = [
  { name: 'inbox, first page', path: () => '/admin/cases', targetMs: 50 },
  { name: 'status filter', path: () => '/admin/cases?status=in_progress', targetMs: 50 },
  { name: 'search by case code', path: (s) => `/admin/cases?q=${encodeURIComponent(s.code)}`, targetMs: 50 },
  { name: "search in the child's words", path: () => `/admin/cases?q=${encodeURIComponent(RARE_WORDS)}`, targetMs: 100 },
  { name: 'case page', path: (s) => `/admin/cases/${s.id}`, targetMs: 50 },
  // The seeded cases were all opened in this quarter: each report reads every one of its kind.
  { name: "quarterly report, children's opinions", path: () => '/admin/reports?report=opinions&period=quarter', targetMs: 2000 },
  { name: 'quarterly report, incidents', path: () => '/admin/reports?report=incidents&period=quarter', targetMs: 2000 },
];
const FLOOR: Page = { name: 'GET /healthz', path: () => '/healthz', targetMs: Infinity };

export default defineScenario({
  name: 'backoffice',
  order: 20,
  async run(ctx) {
    const sizes = ctx.option('cases', ctx.quick ? '1000,5000' : '10000,100000').split(',').map(Number);
    // `--against=<dir>`: another checkout of the project (its own node_modules, or a link to
    // these) measured on the same store in the same run, repetitions alternating: before/after.
    const againstRoot = ctx.option('against', '');
    const checkouts: Checkout[] = [{ name: 'ours', root: ctx.root, script: appScript(ctx.root) }];
    if (againstRoot) checkouts.push({ name: `against ${path.basename(againstRoot)}`, root: againstRoot, script: appScript(againstRoot) });
    const rows: Row[] = [];
    for (const size of sizes) {
      const store = copyOfTemplate(await seededTemplate(ctx.cacheDir, size, ctx.log), ctx.tempDir('htx-bench-backoffice-'));
      const measured = checkouts.map(emptyMeasures);
      for (let rep = 0; rep < ctx.reps; rep++) {
        // Alternating which goes first, so that neither always meets a warmer machine.
        const order = rep % 2 === 0 ? checkouts.map((_, i) => i) : checkouts.map((_, i) => checkouts.length - 1 - i);
        for (const i of order) await measureOnce(ctx, checkouts[i]!, store, size, store.sample, measured[i]!);
      }
      rows.push(...rowsOf(size, measured[0]!, measured[1] ? { name: checkouts[1]!.name, measures: measured[1] } : null, size === sizes.at(-1)));
    }
    return rows;
  },
});

interface Checkout {
  name: string;
  root: string;
  script: string;
}

/** One checkout's figures at one size, one value per repetition. */
interface Measures {
  startup: number[];
  rss: number[];
  timings: Map<Page, { p50: number[]; p95: number[] }>;
}

const emptyMeasures = (): Measures => ({ startup: [], rss: [], timings: new Map([FLOOR, ...PAGES].map((p) => [p, { p50: [], p95: [] }])) });

/** Starts the app of one checkout on the store, times its start and every page, reads its RSS. */
async function measureOnce(ctx: BenchContext, checkout: Checkout, target: { dataDir: string; dataKey: Buffer }, size: number, sample: SampleCase, into: Measures) {
  const app = await startProcess({
    root: checkout.root,
    script: checkout.script,
    readyPath: '/readyz',
    profileDir: ctx.profileDir,
    env: { DATA_DIR: target.dataDir, DATA_KEY: target.dataKey.toString('hex'), STAFF_2FA: 'optional', LOG_LEVEL: 'error' },
  });
  try {
    into.startup.push(app.startupMs);
    const client = new AdminClient(app.url);
    const signedIn = await client.signIn(BENCH_STAFF.email, BENCH_STAFF.password);
    // STAFF_2FA=optional: signed in, and offered (not made) to enrol a second factor.
    if (signedIn.status !== 303 || !signedIn.location?.startsWith('/admin')) throw new Error(`sign-in refused: ${signedIn.status} ${signedIn.location}`);
    for (const [page, t] of into.timings) {
      const samples = await timePage(client, page.path(sample));
      t.p50.push(percentile(samples, 50));
      t.p95.push(percentile(samples, 95));
    }
    into.rss.push(app.rssMb());
    const p50s = PAGES.map((p) => `${p.name} p50 ${Math.round(into.timings.get(p)!.p50.at(-1)!)} ms`).join(', ');
    ctx.log(`backoffice ${size} (${checkout.name}, load ${os.loadavg()[0]!.toFixed(1)}): start-up ${Math.round(app.startupMs)} ms, RSS ${Math.round(into.rss.at(-1)!)} MB, ${p50s}`);
  } finally {
    await app.stop();
  }
}

/**
 * The table's lines for one size: each page against `GET /healthz` on the same process, or,
 * with `--against`, every figure against the other checkout's.
 */
function rowsOf(size: number, ours: Measures, against: { name: string; measures: Measures } | null, largest: boolean): Row[] {
  const scenario = `back office, ${size.toLocaleString('en-US')} cases`;
  const floor = ours.timings.get(FLOOR)!;
  const rows: Row[] = [];
  const base = (page: Page, p: 'p50' | 'p95') =>
    against ? { baseline: against.measures.timings.get(page)![p], baselineName: against.name } : { baseline: floor[p], baselineName: FLOOR.name };
  for (const page of against ? [FLOOR, ...PAGES] : PAGES) {
    const t = ours.timings.get(page)!;
    rows.push({ scenario, metric: `${page.name} p50`, unit: 'ms', ours: t.p50, ...base(page, 'p50') });
    const target = largest && Number.isFinite(page.targetMs) ? { target: { text: `< ${page.targetMs} ms`, met: (o: number) => o < page.targetMs } } : {};
    rows.push({ scenario, metric: `${page.name} p95`, unit: 'ms', ours: t.p95, ...base(page, 'p95'), ...target });
  }
  const other = (m: keyof Omit<Measures, 'timings'>) => (against ? { baseline: against.measures[m], baselineName: against.name } : {});
  rows.push({ scenario, metric: 'start-up (spawn → /readyz)', unit: 'ms', ours: ours.startup, ...other('startup'), target: { text: '< 3,000 ms', met: (o) => o < 3000 } });
  rows.push({ scenario, metric: 'RSS after the pages', unit: 'MB', ours: ours.rss, ...other('rss'), target: { text: '< 300 MB', met: (o) => o < 300 } });
  return rows;
}

/** Times GETs of one page (each must answer 200), bounded in count and in time. */
async function timePage(client: AdminClient, path: string): Promise<number[]> {
  const samples: number[] = [];
  const deadline = performance.now() + BUDGET_MS;
  while (samples.length < MAX_REQUESTS && (samples.length === 0 || performance.now() < deadline)) {
    const started = performance.now();
    const res = await client.get(path);
    samples.push(performance.now() - started);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
  }
  return samples;
}
