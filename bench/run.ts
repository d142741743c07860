/**
 * `npm run bench` — how fast the service is on this machine, each figure side by side with a
 * baseline measured in the same run, each repeated (median and spread). Prints one table on
 * stdout (progress on stderr) and exits. A script, not a test: it asserts nothing.
 *
 *   npm run bench                         full run (about 10-15 minutes on 2 cores)
 *   npm run bench -- --quick              smaller loads, one repetition (a minute or two)
 *   npm run bench -- --reps=3              repetitions (default 3; 1 with --quick)
 *   npm run bench -- --only=intake,backoffice   some scenarios only (names of bench/scenarios/*)
 *   npm run bench -- --cases=10000      the back office at these sizes only (default 10000,100000)
 *   npm run bench -- --profile            the app runs under `node --cpu-prof`; profiles in bench/profiles/
 *
 * Everything runs on loopback: the app and the echo bot as child processes, the local Bot API
 * fake in this process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadScenarios, type BenchContext } from './lib/registry.js';
import { renderTable, type Row } from './lib/table.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',').filter(Boolean) ?? [];
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const profileDir = args.includes('--profile') ? path.join(root, 'bench', 'profiles') : null;
if (profileDir) fs.mkdirSync(profileDir, { recursive: true });

const temps: string[] = [];
const ctx: BenchContext = {
  quick,
  reps: Number(args.find((a) => a.startsWith('--reps='))?.slice('--reps='.length) ?? (quick ? 1 : 3)),
  root,
  profileDir,
  cacheDir: path.join(root, 'bench', '.cache'),
  option: (name, fallback) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback,
  log: (message) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`),
  tempDir: (prefix) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    temps.push(dir);
    return dir;
  },
};

const started = Date.now();
const rows: Row[] = [];
let failed = false;
try {
  for (const scenario of await loadScenarios(only)) {
    if (quick && scenario.fullOnly) continue;
    ctx.log(`${scenario.name}: starting`);
    try {
      rows.push(...(await scenario.run(ctx)));
    } catch (err) {
      failed = true;
      ctx.log(`${scenario.name}: FAILED — ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
} finally {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
}

const cpus = os.cpus();
console.log(`\nHộp Thư Xanh bench — ${new Date().toISOString()} — ${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}, ${quick ? 'quick' : 'full'} run (${ctx.reps} repetition${ctx.reps > 1 ? 's' : ''}), ${Math.round((Date.now() - started) / 1000)} s\n`);
console.log(renderTable(rows));
process.exit(failed ? 1 : 0);
