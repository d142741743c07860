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

/** The translate function for one language. Vietnamese is the default. */
export function tr(lang: Lang): TFunction {
  return instance.getFixedT(lang);
}

export const isLang = (v: unknown): v is Lang => v === 'vi' || v === 'en';
