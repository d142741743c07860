import type { Lang } from '../../locales/i18n.js';
import { setLang, type EngineDeps, type Turn } from './turn.js';

/** Letters only Vietnamese uses (its vowels with marks, and đ). */
const VIETNAMESE_LETTERS = /[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]/i;

/**
 * English words that are no Vietnamese word written without its marks ("me", "to", "can", "the",
 * "my", "no", "do", "an" are left out: "mẹ", "tớ", "cần", "thế", "Mỹ", "nó", "đó", "ăn").
 */
const ENGLISH_WORDS = new Set(
  `i im i'm ive i've my mine you your youre you're he she they we our his him her hers them it its is are am was were be been
  hello hey please help can't cant cannot don't dont doesnt doesn't didnt didn't won't wont not what when where why how who
  every night day always sometimes and with from of for at in on this that there here have has had want need know
  dad daddy mom mum mommy father mother stepdad stepmom parents brother sister uncle aunt teacher friend friends school
  hits hit beats beat hurts hurt touches touched scared afraid home kill sad alone someone something anyone will would
  could should just really very tell told talk speak english about because but if so then`.split(/\s+/),
);

/**
 * The language a message is plainly written in, or null when it does not say: Vietnamese when it
 * has Vietnamese letters, English when most of its words are English ones (at least two). One
 * word ("hi", "ok") says nothing, nor does Vietnamese typed without its marks.
 */
export function writtenIn(text: string | undefined): Lang | null {
  if (!text) return null;
  const words = text.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  if (words.length < 2) return null;
  if (VIETNAMESE_LETTERS.test(text)) return 'vi';
  const english = words.filter((w) => ENGLISH_WORDS.has(w)).length;
  return english >= 2 && english * 2 >= words.length ? 'en' : null;
}

/**
 * A child who has not chosen a language (the 🌐 option, "English", "tiếng Việt") is answered in
 * the one they write: a first "my dad hits me every night" gets the numbers and the help in
 * English. The phone's or app's language never decides; the child's own words do, and a choice
 * they make stays. The child is told, and how to switch back.
 */
export function followWrittenLang(deps: EngineDeps, turn: Turn, text: string | undefined) {
  if (turn.contact.langChosen) return;
  const lang = writtenIn(text);
  if (!lang || lang === turn.lang) return;
  setLang(deps, turn, lang);
  turn.replies.push(turn.r.text(turn.t(`channels_fixes.lang_from_text`)));
}
