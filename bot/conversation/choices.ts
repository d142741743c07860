/**
 * The typed choice protocol: every option the bot offers — a menu entry, a command, the answer
 * to a question, an area — is a value of {@link Choice}. The engine builds options from choices
 * ({@link option}); a channel shows them its own way (Telegram inline buttons, web chat buttons,
 * Zalo numbered text) and hands back either the option's id, which {@link decodeChoice} reads
 * and validates (anything forged or stale is `null`), or what the child typed, which
 * {@link matchTyped} resolves against the options on offer: the option's number, its words
 * with or without diacritics, or a close spelling.
 *
 * Ids are compact (`m.report`, `c.skip`, `a.danger.yes`, `p.<areaId>`), well under Telegram's
 * 64-byte callback_data limit. Areas travel by their stable id (see `areaId`), never by their
 * position in a list an admin may edit meanwhile.
 */
import { z } from 'zod';
import { normalizeText } from '../risk/risk-detector.js';
import type { OutboundOption } from '../channels/channel.js';
import { CHOICES, type StepId } from './questions.js';
import { answerForms, firstClause, saysSomething, synonymsOf } from './understand.js';

/** The main menu's entries, in the order they are shown and numbered. */
export const MENU_ITEMS = ['report', 'opinion', 'advice', 'emergency', 'check', 'lang'] as const;
export type MenuItem = (typeof MENU_ITEMS)[number];

/**
 * Things a child can ask for at any step (by option or by typing; `steps` is "what should I
 * do?"), the flow's Skip and Done, and crisis mode's "I am safe".
 */
export const COMMANDS = ['start', 'menu', 'help', 'emergency', 'lang', 'forget', 'restart', 'check', 'steps', 'skip', 'done', 'safe'] as const;
export type Command = (typeof COMMANDS)[number];

/** Questions whose answers are fixed values: the flow's choice steps, and "forget me?". */
export type QuestionId = StepId | 'forget';
export const FORGET_ANSWERS = ['yes', 'no'] as const;

export type Choice =
  | { type: 'menu'; item: MenuItem }
  | { type: 'command'; command: Command }
  | { type: 'answer'; question: QuestionId; value: string }
  | { type: 'area'; level: 'province' | 'commune'; id: string };

/** The choice a forged or unreadable option id stands for: back to the menu, never an error. */
export const FALLBACK_CHOICE: Choice = { type: 'command', command: 'menu' };

const AREA_ID = /^[A-Za-z0-9_-]{1,16}$/;
const LEVEL_TAGS = { p: 'province', k: 'commune' } as const;

/** The option id of a choice. */
export function encodeChoice(choice: Choice): string {
  switch (choice.type) {
    case 'menu':
      return `m.${choice.item}`;
    case 'command':
      return `c.${choice.command}`;
    case 'answer':
      return `a.${choice.question}.${choice.value}`;
    case 'area':
      return `${choice.level === 'province' ? 'p' : 'k'}.${choice.id}`;
  }
}

const answerValues = (question: string): readonly string[] =>
  question === 'forget' ? FORGET_ANSWERS : Object.hasOwn(CHOICES, question) ? CHOICES[question as StepId]!.values : [];

const idSchema = z.string().max(64);

/** The choice an option id stands for, or `null` when it is not one we could have made. */
export function decodeChoice(id: unknown): Choice | null {
  const parsed = idSchema.safeParse(id);
  if (!parsed.success) return null;
  const [tag, first, second, ...rest] = parsed.data.split('.');
  if (rest.length || first === undefined) return null;
  if (tag === 'm' && second === undefined) return isOneOf(MENU_ITEMS, first) ? { type: 'menu', item: first } : null;
  if (tag === 'c' && second === undefined) return isOneOf(COMMANDS, first) ? { type: 'command', command: first } : null;
  if (tag === 'a' && second !== undefined) return answerValues(first).includes(second) ? { type: 'answer', question: first as QuestionId, value: second } : null;
  if ((tag === 'p' || tag === 'k') && second === undefined) return AREA_ID.test(first) ? { type: 'area', level: LEVEL_TAGS[tag], id: first } : null;
  return null;
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

/** An option offering `choice`; `key` is what the child may type to choose it (a number). */
export function option(choice: Choice, label: string, key?: string): OutboundOption {
  return { id: encodeChoice(choice), label, ...(key ? { key } : {}) };
}

/** True when two choices are the same. */
export const sameChoice = (a: Choice | null, b: Choice) => a !== null && encodeChoice(a) === encodeChoice(b);

export interface MatchOptions {
  /** Also accept the start of a label ("co" for "Có, xóa đi") when it fits one option only. */
  prefix?: boolean;
  /**
   * Also read an answer from a message's first clause when more follows ("12 tuổi, bố em hay
   * đánh em"): the reading then says `more`, and the caller keeps the whole message.
   */
  clauses?: boolean;
  /**
   * Also read synonyms (default true). Off in reply mode: there "hết rồi ạ" is the child's
   * answer to the counsellor, not "Done".
   */
  synonyms?: boolean;
}

/** A typed message read as a choice; `more` when it says more than the answer (to be kept). */
export interface TypedReading {
  choice: Choice;
  more: boolean;
}

/**
 * The option some typed text chooses among those offered, read tolerantly (see `understand.ts`):
 * its number, its words or one of their synonyms (folded: no diacritics, case or punctuation;
 * with or without particles such as "ạ", "nhé", "dạ"), with `prefix` the start of one label, or
 * a close spelling of a label (one typo in a short label, two in a long one; never in a number).
 * `null` when none, or more than one, fits.
 */
export function matchTyped(text: string, offered: readonly OutboundOption[], opts: MatchOptions = {}): Choice | null {
  const n = normalizeText(text);
  if (!n) return null;
  const byKey = offered.find((o) => o.key === n);
  if (byKey) return decodeChoice(byKey.id);
  const choices = offered.map((o) => decodeChoice(o.id));
  const labels = offered.map((o) => normalizeText(o.label));
  for (const form of answerForms(text)) {
    const exact = unique(labels.flatMap((l, i) => (l === form ? [i] : [])));
    const synonyms = opts.synonyms !== false;
    const said = exact ?? (synonyms ? unique(choices.flatMap((c, i) => (c && synonymsOf(synonymKey(c)).has(form) ? [i] : []))) : null);
    if (said !== null) return choices[said]!;
  }
  const prefixed = opts.prefix && n.length >= 2 ? labels.flatMap((l, i) => (l.startsWith(n) ? [i] : [])) : [];
  if (prefixed.length === 1) return choices[prefixed[0]!]!;
  if (n.length < 4 || /\d/.test(n)) return null;
  const close = labels.flatMap((l, i) => (editDistance(n, l, typosAllowed(l)) <= typosAllowed(l) ? [i] : []));
  return close.length === 1 ? choices[close[0]!]! : null;
}

/**
 * Typed text read as a choice: the whole message (see {@link matchTyped}), else — with
 * `clauses` — its first clause when more follows, which the reading marks as `more`.
 */
export function readTyped(text: string, offered: readonly OutboundOption[], opts: MatchOptions = {}): TypedReading | null {
  const whole = matchTyped(text, offered, opts);
  if (whole) return { choice: whole, more: false };
  const clause = opts.clauses ? firstClause(text) : null;
  const head = clause ? matchTyped(clause.head, offered) : null;
  // Only an answer opens a longer message: "0, …" or "111, …" is the child writing, not the menu.
  const answers = head && (head.type !== 'command' || head.command === 'skip' || head.command === 'done');
  return answers && clause ? { choice: head, more: saysSomething(clause.rest) } : null;
}

const unique = (found: number[]) => (new Set(found).size === 1 ? found[0]! : null);

/** Where a choice's synonyms are listed: `danger.yes`, `command.skip`, `menu.report`. */
function synonymKey(choice: Choice): string {
  switch (choice.type) {
    case 'answer':
      return `${choice.question}.${choice.value}`;
    case 'command':
      return `command.${choice.command}`;
    case 'menu':
      return `menu.${choice.item}`;
    case 'area':
      return `area.${choice.id}`;
  }
}

const typosAllowed = (label: string) => (label.length >= 8 ? 2 : label.length >= 4 ? 1 : 0);

/** Levenshtein distance, giving up (returning `max + 1`) once it must exceed `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    if (Math.min(...current) > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}
