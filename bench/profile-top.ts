/**
 * The top of a V8 CPU profile (`node --cpu-prof`, as `npm run bench -- --profile` writes them):
 * self time by package (a node_modules package, a folder of ours, node's internals) and by
 * function.   npx tsx bench/profile-top.ts <file.cpuprofile> [how many lines, default 15]
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, many = '15'] = process.argv.slice(2);
if (!file) {
  console.error('usage: npx tsx bench/profile-top.ts <file.cpuprofile> [lines]');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

const packages = new Map<string, number>();
const functions = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  if (functionName === '(idle)') continue;
  total += us;
  const pkg = packageOf(url, functionName);
  packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  const fn = `${functionName || '(anonymous)'} ${shortUrl(url)}:${lineNumber + 1}`;
  functions.set(fn, (functions.get(fn) ?? 0) + us);
}

const top = (m: Map<string, number>) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(many))
    .map(([name, us]) => `| ${((100 * us) / total).toFixed(1)} % | ${name} |`)
    .join('\n');
console.log(`${file}: ${(total / 1e6).toFixed(1)} s of busy samples (idle left out)\n\n| self | package |\n|---|---|\n${top(packages)}\n\n| self | function |\n|---|---|\n${top(functions)}`);

function packageOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/').slice(0, 2).join('/')}`;
  const ours = /\/(app|bot|backoffice|cases|models|outbox|scheduler|store|locales|bench|tests)\//.exec(url);
  return ours ? `ours: ${ours[1]}/` : url;
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\/.*?\/(node_modules\/|(?=(app|bot|backoffice|cases|models|outbox|scheduler|store)\/))/, '');
}
