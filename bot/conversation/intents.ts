import { detectRisk, normalizeText } from '../risk/risk-detector.js';
import type { Command } from './choices.js';
import { asksWhatToDo } from './writer-words.js';

/** Things a child can ask for at any step, by option or by typing. */
export type GlobalIntent = Exclude<Command, 'skip' | 'done' | 'safe'>;

/** True for a command that means the same at every step (Skip and Done belong to a question). */
export const isGlobalIntent = (command: Command): command is GlobalIntent => command !== 'skip' && command !== 'done' && command !== 'safe';

/** Typed words (normalised: no diacritics, lower case) and slash commands for each intent. */
const TYPED: Record<Exclude<GlobalIntent, 'steps'>, string[]> = {
  start: ['/start'],
  menu: ['menu', '/menu', 've menu', 'menu chinh', 'main menu'],
  help: ['/help', 'help', 'tro giup', 'huong dan', 'giup do', 'can giup'],
  // Any emergency number typed ("113", "gọi 115") is answered with how to call it (commands.ts).
  emergency: ['/sos', 'sos', '111', 'khan cap', 'so khan cap', 'cap cuu', 'emergency', 'emergency numbers', ...['111', '113', '114', '115'].flatMap((n) => [`goi ${n}`, `call ${n}`, `goi so ${n}`]), '113', '114', '115'],
  lang: ['/lang', 'english', 'tieng anh', 'tieng viet', 'vietnamese', 'language', 'ngon ngu', 'doi ngon ngu'],
  forget: ['/forget', 'quen toi', 'quen em', 'xoa du lieu', 'xoa cuoc tro chuyen', 'forget me', 'xoa toi'],
  restart: ['/restart', 'bat dau lai', 'lam lai', 'start over', 'restart'],
  check: ['/check', 'xem ho so', 'tra ma', 'kiem tra ho so', 'check my case', 'check case'],
};

const BY_TEXT = new Map<string, GlobalIntent>();
for (const [intent, words] of Object.entries(TYPED) as [GlobalIntent, string[]][]) {
  for (const w of words) BY_TEXT.set(w.startsWith('/') ? w : normalizeText(w), intent);
}

/**
 * What a 12-year-old types for some commands beyond the words above: a key held too long
 * ("menuu", "helpp", "englishh": letters repeated) and "forget me" said their way ("quên em đi").
 * Read only outside crisis mode (`looseIntent`): there the menu or "forget me" would end it, and
 * a slip of the finger never does.
 */
const LOOSE: Record<string, GlobalIntent> = Object.fromEntries(
  [
    ...[...BY_TEXT].filter(([w]) => !w.startsWith('/')).map(([w, intent]) => [collapsed(w), intent] as const),
    ...['quen em di', 'quen toi di', 'quen minh di', 'hay quen em di', 'xoa em di', 'xoa het cho em', 'xoa het di', 'forget me please', 'delete me'].map(
      (w) => [w, 'forget'] as const,
    ),
  ],
);

/** Runs of one letter as one letter ("menuu" → "menu"); digits stay as they are ("111"). */
function collapsed(folded: string): string {
  return folded.replace(/(\p{L})\1+/gu, '$1');
}

/** A command typed loosely (see {@link LOOSE}), for outside crisis mode only. */
export function looseIntent(text: string | undefined): GlobalIntent | null {
  if (!text) return null;
  const n = normalizeText(text);
  return LOOSE[n] ?? LOOSE[collapsed(n)] ?? null;
}

/** The global intent typed words or a slash command ask for, if any. */
export function typedIntent(text: string | undefined): GlobalIntent | null {
  if (!text) return null;
  const trimmed = text.trim();
  if (trimmed.startsWith('/')) {
    const command = trimmed.split(/[\s@]/)[0]!.toLowerCase();
    return BY_TEXT.get(command) ?? (command === '/start' ? 'start' : null);
  }
  // "Tôi nên làm gì?" / "what should I do": the first steps (voice.ts), as a question of its own.
  return BY_TEXT.get(normalizeText(trimmed)) ?? (asksWhatToDo(trimmed) === 'whole' ? 'steps' : null);
}

const GREETINGS = new Set(
  ['chao', 'xin chao', 'hi', 'hello', 'alo', 'hey', 'chao ban', 'chao bot', 'ok', 'oke', 'uk', 'u', 'vang', 'da', 'cam on', 'thanks', 'thank you', 'hihi', 'haha', 'test'].map(
    (w) => normalizeText(w),
  ),
);

/**
 * True when a message is small talk ("chào", "ok", a lone emoji) rather than something the
 * child is telling us. When unsure, it is not chatter: keeping a message costs nothing.
 */
export function isChatter(text: string): boolean {
  const n = normalizeText(text);
  if (!n) return true;
  if (GREETINGS.has(n)) return true;
  // A word of distress ("cứu", "sợ", "đau", "help") is never small talk, however short.
  if (detectRisk(text).severity) return false;
  // A lone short word that is no greeting ("uhm", "?", "??") says nothing to keep either.
  return !n.includes(' ') && n.length <= 4;
}
