import { normalizeText } from '../risk/risk-detector.js';

/**
 * What a child types in crisis mode, read against the question crisis mode asks ("Em đã ở chỗ
 * an toàn chưa?"): safe ("rồi", "an toàn", "I'm safe"), not yet ("chưa", "không"), unable to
 * call ("em k gọi dc, bố lấy đt của em"), a number to call ("113", "gọi 115"), or a bare digit
 * ("1", "11": a choice on some earlier screen, or a number being dialled). A bare digit never
 * means "I am safe": only clear words, or the option pressed, end crisis mode.
 */
export type CrisisAnswer = 'safe' | 'not_yet' | 'cannot_call' | 'digits';

/** The emergency numbers a child may type ("113", "gọi 115", "call 111") to learn how to call it. */
const DIALLED = /^(?:goi |call |goi so |call the )?(111|113|114|115)$/;

/** The emergency number a message asks to call, if it is one ("113", "gọi 115"). */
export function dialledNumber(text: string | undefined): string | null {
  return (text && DIALLED.exec(normalizeText(text))?.[1]) || null;
}

/** Teen spellings made whole, word by word (after folding: no diacritics, lower case). */
const TEEN: Record<string, string> = {
  e: 'em', k: 'khong', ko: 'khong', kh: 'khong', hong: 'khong', hok: 'khong', hem: 'khong', khg: 'khong', kg: 'khong',
  dc: 'duoc', dk: 'duoc', r: 'roi', chx: 'chua', dt: 'dien thoai', dth: 'dien thoai', dthoai: 'dien thoai', sdt: 'dien thoai',
  cant: 'can t', dont: 'don t', im: 'i m',
};
/** Words of politeness around an answer ("dạ rồi ạ", "ok an toàn rồi nha"). */
const LEADING = new Set(['da', 'vang', 'ok', 'oke', 'uh', 'uk', 'u', 'um', 'yes', 'yeah', 'yep']);
const TRAILING = new Set(['a', 'ah', 'nha', 'nhe', 'nhen', 'oi', 'now', 'ma', 'luon']);

function canonical(text: string): string[] {
  const words = normalizeText(text).split(' ').filter(Boolean).flatMap((w) => (TEEN[w] ?? w).split(' '));
  while (words.length > 1 && LEADING.has(words[0]!)) words.shift();
  while (words.length > 1 && TRAILING.has(words.at(-1)!)) words.pop();
  return words;
}

const SAFE = new Set([
  'roi', 'em roi', 'an toan', 'an toan roi', 'em an toan', 'em an toan roi', 'em da an toan', 'em da an toan roi', 'da an toan', 'da an toan roi',
  'em o cho an toan roi', 'em da o cho an toan', 'em da o cho an toan roi', 'em on roi', 'em khong sao roi', 'khong sao roi', 'minh an toan roi',
  'con an toan roi', 'chau an toan roi', 'chau da an toan', 'chau da an toan roi', 'chau khong sao roi', 'con toi an toan roi', 'be an toan roi',
  'safe', 'i m safe', 'i am safe', 'im safe', 'we re safe', 'i m ok', 'i m okay', 'my child is safe', 'the child is safe', 'she s safe', 'he s safe',
]);

const CANNOT_CALL = [
  /\bkhong (?:the )?goi (?:duoc|dien)\b/, /\bgoi khong duoc\b/, /\bchua goi duoc\b/, /\bkhong dam goi\b/, /\bkhong co (?:dien thoai|may|sim)\b/,
  /\b(?:lay|thu|giu|cam|giau|dap|dap vo|tich thu) (?:mat )?(?:cai )?dien thoai\b/, /\bmat dien thoai\b/, /\bdien thoai (?:het pin|het tien|hong|bi)\b/,
  /\bhet (?:tien|pin)\b/, /\bcan t call\b/, /\bcannot call\b/, /\bno phone\b/, /\b(?:took|taken|take) my phone\b/, /\bdon t have a phone\b/,
];

/**
 * A bare yes ("rồi", "r", "dạ rồi", "em rồi") says the child is safe only as the answer to crisis
 * mode's question "Em đã ở chỗ an toàn chưa?": right after the first crisis message it may mean
 * "ok", "I read it" or "I called" — never "I am safe" (the question is asked then).
 */
const BARE_YES = new Set(['roi', 'em roi', 'minh roi', 'chau roi', 'con roi']);

const NOT_YET = [/^(?:em |minh |chau |con )?(?:van )?(?:chua|khong|no|nope|not yet)(?: \S+){0,12}$/, /\b(?:chua|khong) (?:duoc )?(?:an toan|o cho an toan)\b/, /\bvan (?:dang )?(?:nguy hiem|o day|bi nhot)\b/, /\bnot (?:yet|safe)\b/];

/**
 * How a message typed in crisis mode answers crisis mode's question, or `null` for other words.
 * `askedSafe`: the bot's last crisis message asked "Em đã ở chỗ an toàn chưa?", so a bare "rồi"
 * answers it; otherwise a bare "rồi" answers nothing (`null`).
 */
export function readCrisisAnswer(text: string | undefined, askedSafe = false): CrisisAnswer | null {
  if (!text) return null;
  const words = canonical(text);
  const said = words.join(' ');
  if (!said) return null;
  if (/^\d+$/.test(said.replace(/ /g, ''))) return 'digits';
  if (CANNOT_CALL.some((re) => re.test(said))) return 'cannot_call';
  // "Không sao rồi" is safe, "không, …" is not: the whole answer first.
  if (BARE_YES.has(said)) return askedSafe ? 'safe' : null;
  if (SAFE.has(said)) return 'safe';
  return NOT_YET.some((re) => re.test(said)) ? 'not_yet' : null;
}
