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
 * A short English greeting or call for help, alone ("hi", "hello!", "help!", "help me please",
 * "can you help me?"): English, though it is one or two words.
 */
const ENGLISH_GREETING = /^(?:(?:hi+|hello+|hey+|helo+|good (?:morning|afternoon|evening))(?: there)?|(?:please |pls )?help+(?: me)?(?: please| pls)?|(?:can|could) (?:you|someone|anyone) help(?: me)?(?: please)?|i need help)$/;

/**
 * The language a message is plainly written in, or null when it does not say: Vietnamese when a
 * word has Vietnamese letters ("bố em đánh em, help me", "my teacher hits me ở trường"; a name
 * inside the message, "Hà Nội", is no sign), English when most of its words are English ones
 * (at least two: "ok" says nothing, nor does Vietnamese typed without its marks), or when it is
 * a short English greeting or call for help ("hi", "help!"). Marks typed as separate characters
 * (some keyboards) count too.
 */
export function writtenIn(text: string | undefined): Lang | null {
  // A command ("/help") is no sentence in a language.
  if (!text || text.startsWith('/')) return null;
  const written = text.normalize('NFC').match(/[\p{L}']+/gu) ?? [];
  const words = written.map((w) => w.toLowerCase());
  // A capital inside the message is a name ("I live in Hà Nội"), not the child writing Vietnamese.
  const vietnamese = written.some((w, i) => VIETNAMESE_LETTERS.test(w) && (i === 0 || w[0] === w[0]!.toLowerCase()));
  if (vietnamese) return words.length < 2 ? null : 'vi';
  if (ENGLISH_GREETING.test(words.join(' '))) return 'en';
  const english = words.filter((w) => ENGLISH_WORDS.has(w)).length;
  if (words.length < 2) return null;
  return english >= 2 && english * 2 >= words.length ? 'en' : null;
}

/** Questions whose answer is a name (a province, a commune): "Hà Nội" says nothing of the child's language. */
const NAME_STEPS = new Set(['province', 'commune']);

/**
 * A child who has not chosen a language (the 🌐 option, "English", "tiếng Việt") is answered in
 * the one they write: a first "my dad hits me every night" gets the numbers and the help in
 * English. The phone's or app's language never decides; the child's own words do, and a choice
 * they make stays. The child is told, and how to switch back. A child who has written Vietnamese
 * with its marks stays in Vietnamese when they then write English words ("help me please").
 */
export function followWrittenLang(deps: EngineDeps, turn: Turn, text: string | undefined) {
  const { contact } = turn;
  if (contact.langChosen || NAME_STEPS.has(turn.conv.step)) return;
  const lang = writtenIn(text);
  if (lang === 'vi') contact.wroteVietnamese = true;
  if (!lang || lang === turn.lang || (lang === 'en' && contact.wroteVietnamese)) return;
  setLang(deps, turn, lang);
  turn.replies.push(turn.r.text(turn.t(`channels_fixes.lang_from_text`)));
}
