/**
 * `npm run test:mongo` is only as good as its list: these checks read the test files and fail
 * when a suite that touches the store would be left off the MongoDB leg, or would start its app
 * on the embedded engine even in the leg.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { filesUnder, storeSuites } from '../helpers/store-suites.js';

const THIS_FILE = 'tests/app/mongo-leg.test.ts';
const tsFiles = filesUnder('tests').filter((f) => f.endsWith('.ts') && f !== THIS_FILE);
const text = (file: string) => fs.readFileSync(file, 'utf8');

/** Signs that a file starts the app or opens a store. */
const TOUCHES_STORE = /(?<![.\w])startApp\(|Harness\.start\(|startChannelWorld\(|openTestStore\(|enginesUnderTest\(|testPlace\(|new EmbeddedStore\(|MongoStore\.connect\(/;
/** Suites about the embedded engine itself (its files, its NeDB migration, its agenda backend). */
const EMBEDDED_ONLY = new Set([
  'tests/helpers/engines.ts',
  'tests/contract/embedded-engine.test.ts',
  'tests/contract/nedb-migration.test.ts',
  'tests/scheduler/embedded-agenda.backend.test.ts',
]);

describe('the MongoDB leg', () => {
  it('runs every suite that starts the app or opens a store', () => {
    const leg = new Set(storeSuites());
    const touching = tsFiles.filter((f) => f.endsWith('.test.ts') && TOUCHES_STORE.test(text(f)));
    expect(touching.length).toBeGreaterThan(20);
    expect(touching.filter((f) => !leg.has(f))).toEqual([]);
  });

  it("starts every app under test on the run's engine (engineEnv), so the leg does not quietly test the embedded engine", () => {
    const starting = tsFiles.filter((f) => /(?<![.\w])startApp\(/.test(text(f)) && f !== 'tests/app/config.test.ts');
    expect(starting.length).toBeGreaterThan(10);
    expect(starting.filter((f) => !text(f).includes('engineEnv()'))).toEqual([]);
  });

  it('opens an embedded store by hand only in the suites about the embedded engine itself', () => {
    const byHand = tsFiles.filter((f) => text(f).includes('new EmbeddedStore(') && !EMBEDDED_ONLY.has(f));
    expect(byHand).toEqual([]);
  });
});
