import fs from 'node:fs';
import path from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { sourceDirOf } from '../app/source-dir.js';

export const LANGUAGES = ['vi', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];

type Tree = { [key: string]: string | Tree };
const dir = sourceDirOf(import.meta.url);

function merge(into: Tree, from: Tree): Tree {
  for (const [k, v] of Object.entries(from)) {
    const existing = into[k];
    into[k] = typeof v === 'object' && typeof existing === 'object' ? merge(existing, v) : v;
  }
  return into;
}

/**
 * Each language's strings: `<lang>.json` plus any `<lang>.<part>.json` (one part per feature,
 * e.g. `vi.backoffice.json`), merged.
 */
function load(lang: Lang): Tree {
  const files = fs.readdirSync(dir).filter((f) => f === `${lang}.json` || (f.startsWith(`${lang}.`) && f.endsWith('.json'))).sort();
  return files.reduce<Tree>((acc, f) => merge(acc, JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Tree), {});
}

export const resources: Record<Lang, Tree> = { vi: load('vi'), en: load('en') };

const instance = i18next.createInstance();
await instance.init({
  resources: { vi: { translation: resources.vi }, en: { translation: resources.en } },
  lng: 'vi',
  fallbackLng: false,
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** Strings remembered per language (a bound, in case a key is ever built from free text). */
const REMEMBERED_MAX = 20_000;
const fixed = new Map<Lang, TFunction>();

/**
 * The translate function for one language. Vietnamese is the default. A string asked by its
 * key alone (most of a page's labels), or with only a whole-number `count` (plurals: "3 giờ"),
 * is looked up once per process and then remembered — the strings are read at start and never change while it runs; i18next's own
 * lookup costs 20–30 µs a call, and a page of the inbox asks for hundreds.
 */
export function tr(lang: Lang): TFunction {
  let t = fixed.get(lang);
  if (!t) {
    t = remembering(instance.getFixedT(lang));
    fixed.set(lang, t);
  }
  return t;
}

/** What a call is remembered by: its key alone, or its key and a whole-number `count` (plurals); else null. */
function rememberedAs(args: unknown[]): string | null {
  const [key, options] = args;
  if (typeof key !== 'string' || args.length > 2) return null;
  if (args.length === 1) return key;
  const o = options as Record<string, unknown> | null;
  if (o === null || typeof o !== 'object' || Object.keys(o).length !== 1 || !Number.isInteger(o.count)) return null;
  return `${key}\u0000${o.count as number}`;
}

function remembering(t: TFunction): TFunction {
  const known = new Map<string, string>();
  const call = t as unknown as (...args: unknown[]) => unknown;
  const remembered = (...args: unknown[]) => {
    const id = rememberedAs(args);
    if (id === null) return call(...args);
    const hit = known.get(id);
    if (hit !== undefined) return hit;
    const value = call(...args);
    if (typeof value === 'string' && known.size < REMEMBERED_MAX) known.set(id, value);
    return value;
  };
  return remembered as unknown as TFunction;
}

export const isLang = (v: unknown): v is Lang => v === 'vi' || v === 'en';
