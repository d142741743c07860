/**
 * Removes what could identify someone from a child's words before they are quoted in a report
 * (Decree 56/2017 Art. 33 lists what is private): phone numbers, e-mail addresses, links, case
 * codes, and names — a capitalised word after a kinship or title word ("bạn Lan", "thầy Hùng",
 * "cô giáo Mai", "chú Ba", "em tên là Hoa"). Each is replaced by {@link REMOVED}.
 */
export const REMOVED = '[…]';

/** Words that come before a person's name in Vietnamese (and a few English ones). */
const TITLE_WORDS = [
  'bạn', 'thầy', 'cô', 'anh', 'chị', 'em', 'chú', 'bác', 'dì', 'cậu', 'mợ', 'ông', 'bà', 'cháu', 'con', 'dượng',
  'thím', 'mẹ', 'bố', 'ba', 'má', 'cha', 'cu', 'bé', 'chàng', 'nàng', 'tên', 'tên là', 'tên em là',
  'mr', 'mrs', 'ms', 'miss', 'teacher', 'uncle', 'aunt', 'auntie', 'friend', 'brother', 'sister', 'named',
];
/** What may sit between the title and the name: "cô giáo Mai", "thầy chủ nhiệm Nam". */
const ROLE_WORDS = ['giáo', 'chủ nhiệm', 'hiệu trưởng', 'hàng xóm', 'ruột', 'họ'];

/** "bạn" → "[bB]ạn": the title may start a sentence; the name must be capitalised. */
const anyCase = (word: string) => word.split(' ').map((w) => `[${w[0]}${w[0]!.toUpperCase()}]${w.slice(1)}`).join('\\s+');
const NAME_WORD = '\\p{Lu}[\\p{Ll}\\p{M}]*';
const NAME_AFTER_TITLE = new RegExp(
  `(?<![\\p{L}\\p{M}])((?:${TITLE_WORDS.map(anyCase).join('|')})(?:\\s+(?:${ROLE_WORDS.map(anyCase).join('|')}))?\\s+)${NAME_WORD}(?:\\s+${NAME_WORD})*`,
  'gu',
);
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const LINK = /\b(?:https?:\/\/|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|vn|net|org|edu|gov|info|me|io|ly|gl|tk|xyz)(?:\.vn)?(?:\/\S*)?/giu;
/** A case code, whole or in part: HTX then one or two groups of the code alphabet. */
const CASE_CODE = /\bHTX(?:[\s._-]*[2-9A-HJKMNP-Z]{5}){1,2}\b/giu;
/** Seven digits or more, with spaces, dots, dashes or brackets between them (+84 …, 09xx xxx xxx). */
const PHONE = /\+?\d(?:[\s.()-]*\d){6,}/gu;
/** Social handles: @name. */
const HANDLE = /(?<![\p{L}\p{N}])@[\p{L}\p{N}._]{3,}/gu;

/** The text with every identifying detail replaced by {@link REMOVED}. */
export function scrubOpinion(text: string): string {
  return text
    .normalize('NFC')
    .replace(EMAIL, REMOVED)
    .replace(LINK, REMOVED)
    .replace(CASE_CODE, REMOVED)
    .replace(PHONE, REMOVED)
    .replace(HANDLE, REMOVED)
    .replace(NAME_AFTER_TITLE, (_m, title: string) => `${title}${REMOVED}`)
    .replace(/\s+/g, ' ')
    .trim();
}
