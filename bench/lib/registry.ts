import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Row } from './table.js';

/** What every scenario gets from the runner. */
export interface BenchContext {
  /** `--quick`: smaller loads and one repetition, for a check in a minute or two. */
  quick: boolean;
  /** How many times each figure is measured (3, or 1 when quick). */
  reps: number;
  /** The repository root (where `app/main.ts` is). */
  root: string;
  /** Where `--profile` puts the app's `.cpuprofile` files; null without `--profile`. */
  profileDir: string | null;
  /** A progress line on stderr (the table alone goes to stdout). */
  log(message: string): void;
  /** The value of `--<name>=<value>` on the command line, else `fallback`. */
  option(name: string, fallback: string): string;
  /** Kept between runs (git-ignored): seeded stores that take minutes to make. */
  cacheDir: string;
  /** A fresh temporary directory, removed when the bench ends. */
  tempDir(prefix: string): string;
}

/**
 * One part of the bench: measures something and returns its lines of the table. A scenario is
 * a file `bench/scenarios/<name>.scenario.ts` whose default export is `defineScenario({...})`;
 * the runner finds it by itself, so adding a scenario touches no other file.
 */
export interface Scenario {
  name: string;
  /** Lower runs first (default 100); ties by name. */
  order?: number;
  /** Skipped by `--quick` when true (for the slowest ones). */
  fullOnly?: boolean;
  run(ctx: BenchContext): Promise<Row[]>;
}

export const defineScenario = (scenario: Scenario): Scenario => scenario;

export const SCENARIO_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'scenarios');

/** Every scenario file, loaded and ordered; `only` keeps those whose name is listed. */
export async function loadScenarios(only: readonly string[] = []): Promise<Scenario[]> {
  const files = fs.readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.scenario.ts'));
  const loaded = await Promise.all(
    files.map(async (file) => {
      const mod = (await import(pathToFileURL(path.join(SCENARIO_DIR, file)).href)) as { default?: Scenario };
      if (!mod.default?.run) throw new Error(`bench/scenarios/${file} has no default export made by defineScenario`);
      return mod.default;
    }),
  );
  return loaded
    .filter((s) => only.length === 0 || only.includes(s.name))
    .sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.name.localeCompare(b.name));
}
