/**
 * Who is writing, read from their own words: "con gái tôi…", "tôi là mẹ của cháu", "cháu nhà
 * mình", "tôi là giáo viên", "my son…", "I'm a teacher". Only first-person words an adult uses
 * about a child count; a child writing about their mother ("mẹ em", "mẹ tôi") is no adult.
 *
 * Patterns are written with diacritics. Text written with diacritics is read with them (so
 * "con tới trường" is not "con tôi"); text typed without any is read against the same patterns
 * folded (`normalizeText`).
 */
import { normalizeText } from '../risk/risk-detector.js';
import { foldLetters } from '../../models/search-words.js';

export type AdultRole = 'parent' | 'teacher' | 'other';
export type ChildGender = 'girl' | 'boy';

/** What the words tell: the writer is an adult in this role, and maybe the child's gender. */
export interface WriterHint {
  role: AdultRole;
  childGender?: ChildGender;
}

const ME = '(?:tôi|tui|mình|chúng tôi|vợ chồng tôi|nhà tôi|nhà mình)';
const KIN = '(?:bố|mẹ|ba|má|cha|bố mẹ|ba mẹ|cha mẹ|phụ huynh|người giám hộ|bố dượng|mẹ kế)';
const RELATIVE = '(?:ông|bà|ông bà|cô|chú|dì|bác|cậu|mợ|thím|dượng|anh|chị|người nhà)';
const A_CHILD = '(?:cháu|bé|con bé|thằng bé|em ấy|em bé|cháu bé|hai bé|các cháu|học sinh)';
const TEACHER = '(?:giáo viên|gv|cô giáo|thầy giáo|thầy|cô chủ nhiệm|thầy chủ nhiệm|giáo viên chủ nhiệm|hiệu trưởng|hiệu phó|tổng phụ trách|bảo mẫu|cô nuôi dạy trẻ)';
const OTHER = '(?:hàng xóm|người hàng xóm|bác sĩ|y tá|công an|cán bộ|cán bộ xã|nhân viên xã hội|người quen|người lớn|tình nguyện viên)';

/** Vietnamese: [pattern, role]; a named group `g` (gái / trai) gives the child's gender. */
const VI: [string, AdultRole][] = [
  [`(?:con|bé|cháu)(?: (?<g>gái|trai))?(?: út| lớn| đầu| nhỏ)?(?: của)? ${ME}`, 'parent'],
  [`(?:con|bé|cháu) nhà (?:tôi|mình|tui)`, 'parent'],
  [`(?:tôi|tui|mình) là ${KIN}`, 'parent'],
  [`(?:tôi|tui|mình) là ${RELATIVE}(?: ruột| họ)?(?: của)? ${A_CHILD}`, 'parent'],
  [`(?:tôi|tui|mình) là ${TEACHER}`, 'teacher'],
  [`(?:học sinh|học trò)(?: của)? (?:tôi|lớp tôi)`, 'teacher'],
  [`tôi (?:đang )?(?:dạy|chủ nhiệm)`, 'teacher'],
  [`(?:tôi|tui) là ${OTHER}`, 'other'],
  // Not "ba cháu": a child speaking to an adult says "ba cháu" for "my dad".
  [`(?:một|hai|các|mấy) cháu(?: bé)?`, 'other'],
  [`cháu bé`, 'other'],
];

const EN_CHILD = '(?:(?<son>son|stepson|grandson|nephew)|(?<daughter>daughter|stepdaughter|granddaughter|niece)|child|children|kid|kids|grandchild|grandchildren|baby|toddler)';
/** "my 9 year old daughter", "our youngest son" — not "my teacher's son". */
const EN_AGE = '(?: (?:little|young|younger|youngest|older|oldest|eldest|elder|teenage|teen|own|only|two|three|\\d+|year|years|yr|old))*';
const I_AM = '(?:i m|im|i am|as)(?: a| an| the| her| his| their)?';

/** English (folded: "I'm" reads "i m"). */
const EN: [string, AdultRole][] = [
  [`(?:my|our)${EN_AGE} ${EN_CHILD}`, 'parent'],
  [`${I_AM}(?: [\\w]+)? (?:mother|father|mum|mom|dad|parent|grandmother|grandfather|grandma|grandpa|granny|aunt|uncle|guardian|stepmother|stepfather|stepmom|stepdad|foster parent)`, 'parent'],
  [`${I_AM}(?: [\\w]+)? (?:teacher|tutor|principal|headteacher|head teacher|school counsellor|school counselor|coach|nanny|babysitter)`, 'teacher'],
  [`(?:my|our) (?:students|student|pupils|pupil)`, 'teacher'],
  [`i teach`, 'teacher'],
  [`${I_AM} (?:neighbour|neighbor|nurse|doctor|social worker|police officer|volunteer|adult)`, 'other'],
];

interface Pattern {
  marked: RegExp;
  folded: RegExp;
  role: AdultRole;
}


const compile = (src: string, role: AdultRole): Pattern => ({
  marked: new RegExp(`(?:^| )${src}(?: |$)`, 'u'),
  folded: new RegExp(`(?:^| )${foldLetters(src)}(?: |$)`, 'u'),
  role,
});

const PATTERNS: Pattern[] = [...VI, ...EN].map(([src, role]) => compile(src, role));

/** Lower case, diacritics kept, punctuation as spaces ("I'm" → "im"). */
const marked = (text: string) =>
  text.normalize('NFC').toLowerCase().replace(/[’'`]/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** The adult writer the words reveal, or null when they read as a child's (or say nothing). */
export function recogniseWriter(text: string): WriterHint | null {
  const withMarks = marked(text);
  const folded = normalizeText(text.replace(/[’'`]/g, ''));
  // Typed without any diacritics: read folded; otherwise as written.
  const plain = withMarks.replace(/đ/g, 'd') === folded;
  for (const p of PATTERNS) {
    const m = plain ? p.folded.exec(folded) : p.marked.exec(withMarks);
    if (!m) continue;
    const g = m.groups ?? {};
    const childGender = g.g ? (normalizeText(g.g) === 'trai' ? 'boy' : 'girl') : g.son ? 'boy' : g.daughter ? 'girl' : undefined;
    return { role: p.role, ...(childGender ? { childGender } : {}) };
  }
  return null;
}

/** Sentences that ask what to do: "Tôi nên làm gì?", "giờ phải làm sao", "what should I do now". */
const WHAT_TO_DO = [
  /^(?:vay |the |gio |bay gio |vay gio |vay thi |gio thi |ok )?(?:(?:toi|minh|tui|chung toi|em|con|chau|bo me|gia dinh toi) )?(?:nen|phai|can|co the) lam (?:gi|sao|the nao|gi bay gio|gi de giup (?:con|chau|be|em ay)(?: \w+)?)(?: (?:bay gio|gio|day|a|vay|nhi|ha|nhe|tiep|tiep theo|truoc|truoc tien|luc nay|ngay))*$/,
  /^(?:so |ok |okay |and )?what (?:should|do|can|must|shall) (?:i|we) do(?: now| next| first| about it| to help(?: \w+){0,3})?$/,
  /^what (?:now|next|to do|to do now|to do first|are the first steps)$/,
];

const whatToDo = (sentence: string) => {
  const n = normalizeText(sentence);
  return n.length > 0 && WHAT_TO_DO.some((re) => re.test(n));
};

/** True when the question is asked as an adult would ("tôi nên làm gì", "chúng tôi phải làm sao"). */
export function asksAsAdult(text: string): boolean {
  return /(?:^| )(?:toi|chung toi|vo chong toi|gia dinh toi|bo me) (?:nen|phai|can|co the) lam /.test(normalizeText(text)) || /(?:^| )we do(?: |$)/.test(normalizeText(text));
}

/**
 * "whole": the whole message asks what to do (an intent); "within": a sentence of a longer
 * message does (its words are kept as usual, and the first steps follow); null otherwise.
 */
export function asksWhatToDo(text: string | undefined): 'whole' | 'within' | null {
  if (!text) return null;
  if (whatToDo(text)) return 'whole';
  const sentences = text.split(/[.!?;,\n]+/).filter((s) => s.trim());
  return sentences.length > 1 && sentences.some(whatToDo) ? 'within' : null;
}
