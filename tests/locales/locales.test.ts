import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Replies } from '../../bot/conversation/replies.js';
import { CHOICES, type StepId } from '../../bot/conversation/questions.js';
import { resources, tr, type Lang } from '../../locales/i18n.js';
import { CASE_KINDS, CASE_STATUSES } from '../../models/index.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const LOCALES = path.join(ROOT, 'locales');
/** Where user-facing code lives (tests and dependencies are not scanned). */
const SOURCE_DIRS = ['app', 'bot', 'backoffice', 'cases', 'outbox', 'scheduler', 'store', 'models', 'locales', 'core'];
const SOURCE_EXT = /\.(ts|njk|html)$/;

type Tree = { [key: string]: unknown };
const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Every leaf of a locale tree as `a.b.c` → value. */
function flatten(tree: Tree, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) for (const [kk, vv] of flatten(v as Tree, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(path.join(LOCALES, file), 'utf8')) as Tree;
/** `vi.json` → `''`, `vi.auth.json` → `'auth'`. */
const partOf = (file: string) => file.split('.').slice(1, -1).join('.');
const localeFiles = (lang: Lang) => fs.readdirSync(LOCALES).filter((f) => f.endsWith('.json') && f.split('.')[0] === lang).sort();

/** `{{name}}`, `{{- name}}`, `{{name, format}}` → `name`. */
const variablesOf = (value: string) => [...new Set([...value.matchAll(/\{\{-?\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]!))].sort();
const nestedKeysOf = (value: string) => [...value.matchAll(/\$t\(\s*([\w.-]+)/g)].map((m) => m[1]!);

const merged = { vi: flatten(resources.vi as Tree), en: flatten(resources.en as Tree) };
const baseKeys = (keys: Iterable<string>) => new Set([...keys].map((k) => k.replace(PLURAL, '')));

/** True when `key` is a string in the language (directly or as a plural form). */
const hasKey = (lang: Lang, key: string) => typeof merged[lang].get(key) === 'string' || typeof merged[lang].get(`${key}_other`) === 'string';
/** True when some key lies under `prefix` (which ends in `.` or part of a key name). */
const hasKeyUnder = (lang: Lang, prefix: string) => [...merged[lang].keys()].some((k) => k.startsWith(prefix) && k.length > prefix.length);

// ── Scanning the code for the keys it uses ─────────────────────────────────────────────────

function sourceFiles(dir: string): string[] {
  const full = path.join(ROOT, dir);
  if (!fs.existsSync(full)) return [];
  return fs.readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && SOURCE_EXT.test(e.name) && !e.parentPath.includes('node_modules'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Skips a string literal starting at `i` (its quote); returns the index after it. */
function skipString(src: string, i: number): number {
  const quote = src[i];
  for (let j = i + 1; j < src.length; j++) {
    if (src[j] === '\\') j++;
    else if (quote === '`' && src[j] === '$' && src[j + 1] === '{') j = skipBalanced(src, j + 1) - 1;
    else if (src[j] === quote) return j + 1;
  }
  return src.length;
}

/** From an opening bracket at `i`, the index after its closing one. */
function skipBalanced(src: string, i: number): number {
  let depth = 0;
  for (let j = i; j < src.length; j++) {
    const c = src[j]!;
    if (c === "'" || c === '"' || c === '`') j = skipString(src, j) - 1;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c) && --depth === 0) return j + 1;
  }
  return src.length;
}

/** The first argument of the call whose `(` is at `open`. */
function firstArgument(src: string, open: number): string {
  let depth = 0;
  for (let j = open + 1; j < src.length; j++) {
    const c = src[j]!;
    if (c === "'" || c === '"' || c === '`') j = skipString(src, j) - 1;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) {
      if (depth === 0) return src.slice(open + 1, j);
      depth--;
    } else if (c === ',' && depth === 0) return src.slice(open + 1, j);
  }
  return '';
}

interface KeyUse {
  file: string;
  /** A whole key, or the fixed start of a key built at run time. */
  key: string;
  dynamic: boolean;
}

const KEY = /^[a-z][\w-]*(\.[\w-]+)+$/;
const PREFIX = /^[a-z][\w-]*(\.[\w-]*)*$/;

/** The keys in one argument: plain literals, and the fixed starts of templates and concatenations. */
function keysIn(arg: string, file: string): KeyUse[] {
  const uses: KeyUse[] = [];
  for (const m of arg.matchAll(/'([^'\\\n]*)'|"([^"\\\n]*)"|`([^`]*)`/g)) {
    const literal = m[1] ?? m[2] ?? m[3] ?? '';
    const after = arg.slice(m.index + m[0].length).trimStart();
    const templated = m[3] !== undefined && literal.includes('${');
    if (templated || after.startsWith('+')) {
      const prefix = templated ? literal.slice(0, literal.indexOf('${')) : literal;
      if (PREFIX.test(prefix) && prefix.includes('.')) uses.push({ file, key: prefix, dynamic: true });
    } else if (KEY.test(literal)) {
      uses.push({ file, key: literal, dynamic: false });
    }
  }
  return uses;
}

/** Every key the code names: in `t(…)`, `x.t(…)`, `tr(lang)(…)`, and in one-line wrappers around them. */
function keysUsedInCode(): KeyUse[] {
  const uses: KeyUse[] = [];
  for (const file of SOURCE_DIRS.flatMap(sourceFiles)) {
    const src = fs.readFileSync(file, 'utf8');
    const rel = path.relative(ROOT, file);
    for (const m of src.matchAll(/(?<![\w$])t\(|(?<![\w$])tr\([^()]*\)\(/g)) {
      uses.push(...keysIn(firstArgument(src, m.index + m[0].length - 1), rel));
    }
    // `const s = (key: string) => … t(`webchat.${key}`)`: each `s('title')` names `webchat.title`.
    for (const w of src.matchAll(/const (\w+) = \((\w+)(?::\s*string)?\)\s*=>[^\n;]*?\bt\(`([\w.]*)\$\{\2\}`\)/g)) {
      for (const call of src.matchAll(new RegExp(`(?<![\\w$.])${w[1]}\\(\\s*'([\\w.]+)'`, 'g'))) {
        uses.push({ file: rel, key: `${w[3]}${call[1]}`, dynamic: false });
      }
    }
  }
  return uses;
}

const used = keysUsedInCode();

// ── The tests ──────────────────────────────────────────────────────────────────────────────

describe('locales', () => {
  it('gives a remembered label the same words as a fresh lookup, and still fills in and counts what a call passes (plurals remembered per count)', () => {
    const en = tr('en');
    const written = ((resources.en.admin as Record<string, Record<string, Record<string, string>>>).cases!.statuses!).new;
    expect(en('admin.cases.statuses.new')).toBe(written);
    expect(en('admin.cases.statuses.new')).toBe(written);
    expect(en('admin.cases.total', { count: 1 })).toBe('1 case');
    expect(en('admin.cases.total', { count: 3 })).toBe('3 cases');
    expect(en('admin.cases.total', { count: 1 })).toBe('1 case');
    expect(en('admin.cases.total', { count: 3, extra: 'x' })).toBe('3 cases');
    expect(tr('vi')('admin.cases.total', { count: 3 })).toBe('3 hồ sơ');
    // A key with no string is answered with the key, and remembered as nothing else.
    expect(en('admin.cases.statuses.no-such-status')).toBe('admin.cases.statuses.no-such-status');
  });

  it('has an English file for every Vietnamese one and the other way round', () => {
    expect(localeFiles('en').map(partOf)).toEqual(localeFiles('vi').map(partOf));
    expect(localeFiles('vi')).toContain('vi.json');
  });

  describe.each(localeFiles('vi').map(partOf))('the %s strings', (part) => {
    const file = (lang: Lang) => (part ? `${lang}.${part}.json` : `${lang}.json`);
    const vi = flatten(readJson(file('vi')));
    const en = flatten(readJson(file('en')));

    it('have the same keys in Vietnamese and English', () => {
      const missingInEn = [...baseKeys(vi.keys())].filter((k) => !baseKeys(en.keys()).has(k));
      const missingInVi = [...baseKeys(en.keys())].filter((k) => !baseKeys(vi.keys()).has(k));
      expect({ missingInEn, missingInVi }).toEqual({ missingInEn: [], missingInVi: [] });
    });

    it('have no empty values, and only text', () => {
      const bad = [...vi, ...en].filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
      expect(bad).toEqual([]);
    });

    it('use the same interpolation variables in both languages', () => {
      const differ: string[] = [];
      for (const [key, value] of vi) {
        const other = en.get(key) ?? en.get(key.replace(PLURAL, '_other'));
        if (typeof value !== 'string' || typeof other !== 'string') continue;
        const [a, b] = [variablesOf(value), variablesOf(other)];
        if (a.join() !== b.join()) differ.push(`${key}: vi {{${a.join(', ')}}} vs en {{${b.join(', ')}}}`);
      }
      expect(differ).toEqual([]);
    });

    it('nest only keys that exist', () => {
      const broken = [...vi, ...en].flatMap(([k, v]) => (typeof v === 'string' ? nestedKeysOf(v).filter((n) => !hasKey('vi', n)).map((n) => `${k} → ${n}`) : []));
      expect(broken).toEqual([]);
    });
  });

  describe('the keys the code uses', () => {
    it('finds the keys (the scan itself works)', () => {
      expect(used.length).toBeGreaterThan(50);
      expect(used).toContainEqual({ file: 'bot/inbound.service.ts', key: 'bot.error', dynamic: false });
      expect(used).toContainEqual(expect.objectContaining({ file: 'bot/conversation/conversation.engine.ts', key: 'bot.not_understood' }));
      expect(used).toContainEqual(expect.objectContaining({ key: 'bot.status.', dynamic: true }));
    });

    it.each(['vi', 'en'] as const)('exist in %s, every literal one', (lang) => {
      const missing = used.filter((u) => !u.dynamic && !hasKey(lang, u.key)).map((u) => `${u.file}: ${u.key}`);
      expect([...new Set(missing)]).toEqual([]);
    });

    it.each(['vi', 'en'] as const)('name existing groups in %s where the key is built at run time', (lang) => {
      const missing = used.filter((u) => u.dynamic && !hasKeyUnder(lang, u.key)).map((u) => `${u.file}: ${u.key}…`);
      expect([...new Set(missing)]).toEqual([]);
    });
  });

  describe.each(['vi', 'en'] as const)('the bot in %s', (lang) => {
    const has = (key: string) => hasKey(lang, key);
    const steps = Object.keys(CHOICES) as StepId[];

    it('has a label for every option of every question (bot.opt.<question>.<value>)', () => {
      const missing = steps.flatMap((step) => CHOICES[step]!.values.map((v) => `${CHOICES[step]!.labels}.${v}`)).filter((k) => !has(k));
      expect(missing).toEqual([]);
    });

    it('asks every question with fixed choices (bot.q.<question>, for oneself and for another child)', () => {
      const keys = steps.flatMap((step) => (step === 'age' || step === 'gender' ? [`bot.q.${step}_self`, `bot.q.${step}_other`] : [`bot.q.${step}`]));
      expect(keys.filter((k) => !has(k))).toEqual([]);
    });

    it('has a story question and a "what happens next" for every kind of case, and urgent', () => {
      const keys = [...CASE_KINDS.map((k) => `bot.q.story_${k}`), ...CASE_KINDS.map((k) => `bot.receipt_next.${k}`), 'bot.receipt_next.urgent'];
      expect(keys.filter((k) => !has(k))).toEqual([]);
    });

    it('names every case status a child can see (bot.status.<status>)', () => {
      expect(CASE_STATUSES.map((s) => `bot.status.${s}`).filter((k) => !has(k))).toEqual([]);
    });

    it('labels every menu entry and button it shows (no raw keys on screen)', () => {
      const r = new Replies(tr(lang), '1800 8079');
      const messages = [r.greeting(), r.menu(), r.emergency(true), r.question('?', [], { done: true }), r.plain('!')];
      const shown = messages.flatMap((m) => [m.text, ...(m.options ?? []).flat().map((o) => o.label)]);
      expect(shown.filter((s) => /^(bot|webchat|errors|staff|admin)\.[\w.]+$/.test(s))).toEqual([]);
    });
  });
});
