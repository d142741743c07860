/**
 * `npm start`: runs the service compiled to JavaScript (`dist/`, by `npm run build`), which
 * starts in about half the time of compiling the TypeScript at each start. When a source is
 * newer than the build (a fresh clone, a pull, an edit) it builds first, once; when it cannot
 * build (TypeScript not installed, or a type error) it says why and runs the sources through
 * tsx as before. `node app/start.mjs --build-only` builds when needed and exits (the bench
 * uses it, so that a start it times never includes a build).
 *
 * Plain JavaScript on purpose: it must run before anything is compiled.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiledMain = path.join(root, 'dist', 'app', 'main.js');
/** Top-level folders that hold no source of the service. */
const NOT_SOURCES = new Set(['node_modules', 'dist', 'tests', 'bench', 'data', 'coverage', 'test-artifacts']);
const BUILD_INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

/** The newest modification time of the service's TypeScript sources and build settings. */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    if (entry.isDirectory() && !entry.name.startsWith('.') && !NOT_SOURCES.has(entry.name)) walk(path.join(root, entry.name));
  }
  for (const file of BUILD_INPUTS) {
    const full = path.join(root, file);
    if (fs.existsSync(full)) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

const isFresh = () => fs.existsSync(compiledMain) && fs.statSync(compiledMain).mtimeMs >= newestSource();

/** Builds `dist/` (tsc; nothing is written when a type is wrong). Returns why it could not, or null. */
function build() {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return 'TypeScript is not installed (npm ci without --omit=dev installs it)';
  }
  console.error('Hộp Thư Xanh: building dist/ from the TypeScript sources (once after each change)…');
  // The build's own start time marks it: a source edited while it runs makes it stale again.
  const started = new Date();
  const run = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (run.status !== 0) return `the build failed (exit ${run.status ?? run.signal})`;
  fs.utimesSync(compiledMain, started, started);
  return null;
}

const problem = isFresh() ? null : build();
if (process.argv.includes('--build-only')) {
  if (problem) {
    console.error(`Hộp Thư Xanh: ${problem}.`);
    process.exit(1);
  }
} else if (problem) {
  console.error(`Hộp Thư Xanh: ${problem}; starting from the TypeScript sources instead (slower start).`);
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(path.join(root, 'app', 'main.ts')).href);
} else {
  await import(pathToFileURL(compiledMain).href);
}
