import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** A server the bench started as a child process (the app, or the bare echo bot). */
export interface ServerProcess {
  url: string;
  pid: number;
  /** Spawn → the ready path answering 200, in ms. */
  startupMs: number;
  /** Resident memory now, in MB (from /proc). */
  rssMb(): number;
  /** CPU time the process has used so far (user + system), in ms (from /proc). */
  cpuMs(): number;
  /** CPU time of its main thread alone, in ms (see mainThreadCpuMs). */
  mainThreadCpuMs(): number;
  /** SIGTERM, then waits for the exit (SIGKILL after 20 s). */
  stop(): Promise<void>;
}

export interface StartProcessOptions {
  root: string;
  /**
   * The entry point, relative to root: a TypeScript file (run through tsx), or
   * {@link APP_START}, the service as `npm start` runs it (compiled; built first if needed).
   */
  script: string;
  env: Record<string, string>;
  /** Answers 200 once the server can take traffic. */
  readyPath: string;
  /** Writes a CPU profile there when the process exits (`node --cpu-prof`). */
  profileDir?: string | null | undefined;
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** What `npm start` runs: the service compiled to JavaScript, built first when a source is newer. */
export const APP_START = 'app/start.mjs';

/**
 * How a checkout starts its service: through {@link APP_START} when it has one (built now,
 * outside any timing), else as `npm start` did before it (`node --import tsx app/main.ts`).
 */
export function appScript(root: string): string {
  if (!fs.existsSync(path.join(root, APP_START))) return 'app/main.ts';
  const build = spawnSync(process.execPath, [APP_START, '--build-only'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (build.status !== 0) throw new Error(`${root}: the build failed`);
  return APP_START;
}

/** Starts `node <script>` (through tsx for TypeScript) with only the given environment (plus PATH and HOME). */
export async function startProcess(options: StartProcessOptions): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const loader = options.script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const args = [...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []), ...loader, options.script];
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: options.root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), HOST: '127.0.0.1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitReady(`${url}${options.readyPath}`, child, () => output);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  const startupMs = performance.now() - started;
  return {
    url,
    pid: child.pid!,
    startupMs,
    rssMb: () => rssMb(child.pid!),
    cpuMs: () => cpuMs(child.pid!),
    mainThreadCpuMs: () => mainThreadCpuMs(child.pid!),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the process exited (${child.exitCode}) before it was ready:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`not ready within 120 s: ${url}\n${output()}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A process's resident set size in MB, from /proc/<pid>/status (Linux). */
export function rssMb(pid: number): number {
  try {
    const status = fs.readFileSync(path.join('/proc', String(pid), 'status'), 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
}

/** Linux's clock ticks per second for /proc times (USER_HZ: 100 on every mainstream kernel). */
const CLOCK_TICKS_PER_S = 100;

/**
 * A process's CPU time (user + system) in ms, from /proc/<pid>/stat (Linux). Unlike wall time,
 * it hardly moves with what else runs on the machine: the fair figure on a shared machine.
 */
export function cpuMs(pid: number): number {
  return statCpuMs(path.join('/proc', String(pid), 'stat'));
}

/**
 * The CPU time of a process's main thread alone (the one running its event loop), in ms: what
 * bounds a Node server's throughput once it is busy, whatever its other threads do.
 */
export function mainThreadCpuMs(pid: number): number {
  return statCpuMs(path.join('/proc', String(pid), 'task', String(pid), 'stat'));
}

function statCpuMs(file: string): number {
  try {
    const stat = fs.readFileSync(file, 'utf8');
    // The fields after the command name (which may hold spaces), from field 3 on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return Number.NaN;
  }
}
