/**
 * Reading a child's typed answer tolerantly: the words each option may be typed as
 * (`understand.synonyms.<question>.<value>` and `understand.synonyms.command.<skip|done>` in
 * `locales/<lang>.understand.json`, both languages accepted whatever the chat's language), and
 * the politeness around an answer ("dạ", "ạ", "nhé", "please") that says nothing
 * (`understand.particles`). Everything is compared folded (`normalizeText`: no diacritics, case
 * or punctuation), so "với em ạ", "voi em a" and "Với em" read alike.
 *
 * A synonym matches a whole message only (after the particles), never a word inside a longer
 * one: "em trai" answers "boy", "em trai em bị đánh" is a story and is kept as one.
 */
import { LANGUAGES, resources } from '../../locales/i18n.js';
import { normalizeText } from '../risk/risk-detector.js';

type Tree = { [key: string]: string | Tree };

const branch = (tree: Tree | string | undefined, ...path: string[]): Tree | string | undefined =>
  path.reduce<Tree | string | undefined>((node, k) => (node && typeof node === 'object' ? node[k] : undefined), tree);

const wordsOf = (list: string) => list.split('|').map(normalizeText).filter(Boolean);

/** Every synonym list of both languages: `danger.yes` → its folded forms. */
function loadSynonyms(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const lang of LANGUAGES) {
    const questions = branch(resources[lang] as Tree, 'understand', 'synonyms');
    if (!questions || typeof questions !== 'object') continue;
    for (const [question, values] of Object.entries(questions)) {
      if (typeof values !== 'object') continue;
      for (const [value, list] of Object.entries(values)) {
        if (typeof list !== 'string') continue;
        const key = `${question}.${value}`;
        out.set(key, new Set([...(out.get(key) ?? []), ...wordsOf(list)]));
      }
    }
  }
  return out;
}

/** Particle phrases as word lists, longest first, from both languages. */
function loadParticles(where: 'lead' | 'trail'): string[][] {
  const all = LANGUAGES.flatMap((lang) => {
    const list = branch(resources[lang] as Tree, 'understand', 'particles', where);
    return typeof list === 'string' ? wordsOf(list) : [];
  });
  return [...new Set(all)].map((p) => p.split(' ')).sort((a, b) => b.length - a.length);
}

const SYNONYMS = loadSynonyms();
const LEAD = loadParticles('lead');
const TRAIL = loadParticles('trail');
const PARTICLE_WORDS = new Set([...LEAD, ...TRAIL].flat());

/** The folded words a choice may be typed as (`danger.yes`, `command.skip`), beyond its label. */
export const synonymsOf = (key: string): ReadonlySet<string> => SYNONYMS.get(key) ?? new Set();

const startsWith = (words: string[], p: string[]) => p.length < words.length && p.every((w, i) => words[i] === w);
const endsWith = (words: string[], p: string[]) => p.length < words.length && p.every((w, i) => words[words.length - p.length + i] === w);

function stripLead(words: string[]): string[] {
  for (let found = LEAD.find((p) => startsWith(words, p)); found; found = LEAD.find((p) => startsWith(words, p))) words = words.slice(found.length);
  return words;
}

function stripTrail(words: string[]): string[] {
  for (let found = TRAIL.find((p) => endsWith(words, p)); found; found = TRAIL.find((p) => endsWith(words, p))) words = words.slice(0, -found.length);
  return words;
}

/**
 * Words a 12-year-old spells their own way, made the word they mean (folded). Only ways of
 * saying yes: a spelling never turns an answer into "no" (nor ends crisis mode, which reads its
 * own words, `crisis-input.ts`).
 */
const SPELLINGS: Record<string, string> = { coa: 'co', coo: 'co', cooo: 'co', uhm: 'u', um: 'u', uk: 'u', uki: 'u', oki: 'ok', okie: 'ok', okela: 'ok', vg: 'vang' };

/**
 * The folded forms an answer is read from, most literal first: the message itself, then without
 * its trailing particles ("với em ạ" → "voi em"), its leading ones ("dạ không" → "khong"), and both;
 * then each with a child's spellings made whole ("cóa" → "co").
 * A particle is only stripped when something is left ("em" stays "em").
 */
export function answerForms(text: string): string[] {
  const n = normalizeText(text);
  if (!n) return [];
  const words = n.split(' ');
  const trail = stripTrail(words);
  const both = stripTrail(stripLead(words));
  const forms = [n, trail.join(' '), stripLead(words).join(' '), both.join(' ')];
  const spelled = forms.map((f) => f.split(' ').map((w) => SPELLINGS[w] ?? w).join(' '));
  return [...new Set([...forms, ...spelled])];
}

/** True when some words say something beyond politeness ("ạ", "nhé", "cảm ơn"). */
export function saysSomething(text: string): boolean {
  return normalizeText(text)
    .split(' ')
    .some((w) => w && !PARTICLE_WORDS.has(w));
}

/** Where a message's first clause ends: a comma, full stop, semicolon, !, ? or a new line. */
const CLAUSE_END = /[,.;!?\n…]+/;

/** A message's first clause and the rest, or null when it is one clause. */
export function firstClause(text: string): { head: string; rest: string } | null {
  const m = CLAUSE_END.exec(text);
  if (!m) return null;
  const head = text.slice(0, m.index).trim();
  const rest = text.slice(m.index + m[0].length).trim();
  return head && rest ? { head, rest } : null;
}
