/**
 * Seeds the bench's cached stores ahead of a run (`npm run bench` does it too, the first time a
 * size is asked for): npx tsx bench/seed.ts [sizes, default 10000,100000]
 */
import path from 'node:path';
import { seededTemplate } from './lib/seed.js';

const sizes = (process.argv[2] ?? '10000,100000').split(',').map(Number);
const cacheDir = path.join(path.dirname(new URL(import.meta.url).pathname), '.cache');
for (const size of sizes.sort((a, b) => a - b)) await seededTemplate(cacheDir, size, (m) => process.stderr.write(`[seed ${new Date().toISOString().slice(11, 19)}] ${m}\n`));
