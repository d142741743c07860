/**
 * Text preparation for risk detection: one plain, canonical form of a message that the rules
 * read (risk-rules.ts). Nothing here keeps or logs the text.
 *
 * 1. Words whose plain form is ambiguous are marked while the diacritics are still there:
 *    "tự tử" (suicide) and "từ từ" (slowly) both fold to "tu tu", "sờ" (touch) and "sợ" (afraid)
 *    to "so", "bán" (sell) and "bạn" (friend) to "ban". The risk sense becomes a marker word
 *    ("zso", "zban"); the plain form stays ambiguous and the rules only trust it in context.
 * 2. Vietnamese is folded (NFD, marks stripped, đ → d, lowercase, punctuation → spaces).
 * 3. Teen spellings and English contractions become one canonical word ("ko" → "khong",
 *    "bme" → "bo me", "e" → "em", "kms" → "kill myself", "dont", "im").
 * 4. Everyday idioms that look like risk ("khó chết đi được", "đánh răng", "dying to see") are
 *    blanked, so the rules never see them.
 */
import { normalizeText } from '../../models/search-words.js';

/** The one folding of Vietnamese text, shared with word search (models/search-words.ts). */
export { normalizeText };

/** Words marked in their risk (or their harmless) sense before the diacritics are folded. */
const MARKERS: [string, string][] = [
  ['tự tử', 'tu sat'], ['tự tữ', 'tu sat'], ['tự vẫn', 'tu sat'], ['từ từ', 'zslow'],
  ['bỏ đói', 'zbodoi'], ['bộ đội', 'zsoldier'], ['đói', 'zdoi'], ['tát', 'ztat'], ['dành', 'zsave'],
  ['quấy rối', 'zquayroi'], ['bạo hành', 'zbaohanh'], ['bảo hành', 'zwarranty'], ['dâm ô', 'zdamo'],
  ['sờ', 'zso'], ['rờ', 'zso'], ['đâm', 'zdam'], ['đấm', 'zdam'], ['dám', 'zdare'], ['đòn', 'zdon'],
  ['nhốt', 'znhot'], ['bán', 'zban'], ['gả', 'zga'], ['cưới', 'zcuoi'], ['cười', 'zlaugh'],
  ['dạo', 'zstroll'], ['trộn', 'zmix'], ['gãy', 'zgay'], ['tròn', 'zround'], ['cừu', 'zsheep'], ['cựu', 'zformer'], ['hôn', 'zhon'],
  ['hơn', 'zmore'], ['ôm', 'zom'], ['ốm', 'zsick'], ['cởi', 'zcoi'], ['mông', 'zbutt'],
  ['giảm', 'zreduce'], ['tắt', 'zoff'], ['tất', 'zall'], ['quạt', 'zfan'], ['đạp xe', 'zbike'],
  ['đá bóng', 'zfootball'], ['đập', 'zsmash'], ['đánh rơi', 'zdrop'], ['nhọt', 'zboil'], ['nhột', 'zboil'],
  ['nhớt', 'zboil'], ['ảnh', 'zanh'], ['bí danh', 'zname'], ['danh sách', 'zname'], ['danh hiệu', 'zname'],
  ['danh tiếng', 'zname'], ['danh bạ', 'zname'], ['danh dự', 'zname'], ['danh nghĩa', 'zname'],
];

/** Teen spellings, abbreviations and contractions → one canonical spelling (whole words). */
const CANONICAL: Record<string, string> = {
  ...Object.fromEntries(['ko', 'k', 'kh', 'kg', 'khg', 'hk', 'hok', 'hong', 'khum', 'hem', 'khog']
    .map((w) => [w, 'khong'])),
  mun: 'muon', bme: 'bo me', bm: 'bo me', e: 'em', mk: 'minh', mik: 'minh', mh: 'minh',
  dc: 'duoc', dk: 'duoc', vs: 'voi', r: 'roi', j: 'gi', ng: 'nguoi', ns: 'noi', bt: 'biet',
  bik: 'biet', bit: 'biet', ck: 'chong', vk: 'vo', ny: 'nguoi yeu', cj: 'chi', cx: 'cung',
  cg: 'cung', trc: 'truoc', bjo: 'bay gio', bgio: 'bay gio', bg: 'bay gio', wa: 'qua', thik: 'thich',
  iu: 'yeu', ms: 'moi', mn: 'moi nguoi', mng: 'moi nguoi', tq: 'trung quoc', cpc: 'campuchia',
  ngta: 'nguoi ta', oy: 'roi', ui: 'oi', wen: 'quen', fai: 'phai', ik: 'di', nhiu: 'nhieu',
  t: 'tao', dt: 'dien thoai', ntn: 'nhu the nao', bh: 'bao gio', hsinh: 'hoc sinh',
  // English
  u: 'you', ur: 'your', pls: 'please', plz: 'please', plss: 'please', rn: 'right now',
  bc: 'because', cuz: 'because', coz: 'because', ppl: 'people', kms: 'kill myself',
  kys: 'kill yourself', unalive: 'kill', sewerslide: 'suicide', wanna: 'want to', gonna: 'going to',
  gotta: 'got to', mum: 'mom', mommy: 'mom', mama: 'mom', momma: 'mom', daddy: 'dad', papa: 'dad',
  stepfather: 'stepdad', stepmother: 'stepmom', stepmum: 'stepmom', bf: 'boyfriend',
  gf: 'girlfriend', pic: 'pics', pictures: 'pics', picture: 'pics', photos: 'pics', photo: 'pics',
  neighbor: 'neighbour', neighbors: 'neighbour', neighbours: 'neighbour', ive: 'i have',
  cannot: 'cant', wont: 'wont', didnt: 'didnt', doesnt: 'doesnt', isnt: 'isnt',
};

/** Multi-word canonical forms, applied after the single words. */
const PHRASES: [RegExp, string][] = [
  [/ (?:do not|dnt) /g, ' dont '], [/ (?:can not) /g, ' cant '], [/ will not /g, ' wont '],
  [/ i m /g, ' im '], [/ i am /g, ' im '], [/ step (dad|mom|father|mother) /g, ' step$1 '],
  [/ stepfather /g, ' stepdad '], [/ stepmother /g, ' stepmom '], [/ (?:bo|ba|cha) duong /g, ' duong '],
  [/ moms boyfriend /g, ' stepdad '], [/ a (ay|ta|ho|trai|hang xom) /g, ' anh $1 '], [/ khong the /g, ' khong '],
];

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const MARKER_RE = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${MARKERS.map(([w]) => escapeRe(w)).sort((a, b) => b.length - a.length).join('|')})(?![\\p{L}\\p{N}])`,
  'gu',
);
const MARKER_OF = new Map(MARKERS);

/**
 * Everyday phrases (plain, canonical form; regex fragments) blanked before the rules run:
 * exaggeration idioms, sports, music, games, teeth, chores.
 */
const IDIOMS: string[] = [
  // "khó chết đi được", "cười muốn chết", "nóng chết mất", "chết cười"
  '(?:kho|met|nong|lanh|zdoi|doi|cuoi|zlaugh|vui|suong|ngon|dep|xau ho|ngai|ngai ngung|nguong|buon ngu|khat|so|dau|chan|nhuc dau|ghen|thich|nho|deadline)(?: [^ ]+)?(?: muon| den)? chet(?: di duoc| duoc| mat| luon| roi| di| thoi| a| that)*',
  'chet (?:cuoi|zlaugh|me|mat|do|dở|that|roi|thoi|duoi)(?: [^ ]+)?', 'cuoi (?:muon )?chet', 'giet (?:thoi gian|boss|quai|zombie|con boss|rong)',
  'chem gio', 'chet pin', 'het pin', 'dien thoai chet',
  // đánh: teeth, sports, music, games, waking, judging, marking, dropping, driving
  'danh (?:thuc|rang|gia|cau long|cau|dan|piano|guitar|ghi ta|organ|trong|bai|bac|lo|co|co tuong|co vua|bong|bong ban|tennis|bi a|golf|son|phan|trung|dau|van|may|mat|muoi|con muoi|xe|bai|bai|giac|boss|quai|rank|nhip|tieng|chu|doi khang|thue|cap|lua|chen|dong|bat|ban|so|gio|cam)',
  'danh nhau (?:trong|voi may)', '(?:game|tro choi|phim|canh|truyen) (?:co )?(?:canh )?danh nhau', 'danh sach', 'danh hieu', 'danh tieng', 'danh ba', 'danh gia',
  'zsave', 'zslow', 'zwarranty', 'zsoldier', 'zlaugh', 'zstroll', 'zsheep', 'zformer', 'zsick',
  'zreduce', 'zmix', 'zround', 'zoff', 'zall', 'zfan', 'zbike', 'zfootball', 'zdrop', 'zboil', 'zname', 'nghien cuu',
  'danh roi (?:dien thoai|chia khoa|do|tien|vi|sach|but|mat|o|cai)',
  'tu tu (?:ke|noi|thoi|tinh|roi tinh|roi noi|roi ke|lam|hoc|tim hieu|suy nghi|nghi|doc|viet|tra loi|quen|giai quyet|thich nghi|hieu|an|di|chay|nhan)',
  '(?:z?tat) nuoc', 'tat den', 'tat may', 'cat tay ao', '(?:tro choi |choi |game )(?:tro )?treo co', 'treo co doan chu', 'z?dam boc', 'tap z?dam', 'ong (?:dot|chich|vo ve)', 'muoi (?:dot|chich|can)', 'mau cam', 'chay mau cam',
  'an (?:keo|kem|vat|qua vat|do an vat|bim bim|mi tom|do ngot|snack|ga ran|do an nhanh|socola|banh keo|ngoai|khuya|xuc xich|cay|lau|rau)',
  'tron tim', 'nap tim', 'khoa (?:tai khoan|acc|nick|facebook|zalo|man hinh|hoc)', 'bi khoa tai khoan',
  'lam (?:bai|bai tap|viec nha) (?:den|toi|ca|tu)(?: [^ ]+)?', 'chong bat nat', 'phong chong bat nat',
  'bao hanh (?:dien thoai|may|xe|tivi)', 'bo doi (?:cu ho|ve|tham)', 'doi bong', 'doi khi', 'doi tuyen',
  // English idioms
  'dying (?:to|of|for|laughing)', '(?:im |i am )?dying (?:lol|lmao|haha)', 'almost died laughing', 'died laughing',
  'dead tired', 'bored to death', '(?:is|are|was) (?:going to |gonna )?killing me', '(?:test|exam|homework|class|math|school|this|that|it|practice|project|teacher|game|work) (?:is |s |will )?(?:going to |gonna )?kill(?:ing)? me', 'going to kill me(?: lol| haha)?$',
  'kill(?:ed|ing)? (?:it|the boss|the level|time|zombies)', 'could die for', 'phone died', 'battery died',
  'will kill me if i (?:fail|get|forget|lose|break|miss|dont|am)', 'beat (?:me|us|him|her|my) (?:in|at)', 'beat my (?:high )?(?:score|record|time)',
  'hit (?:the ball|a home run|a homerun|the road|the jackpot)', '(?:hit|got hit) by (?:the|a) ball',
  'play fight', 'punched the dough', 'beat the (?:dough|eggs)', 'storm hit', 'kicked the ball', 'got beaten in (?:the|a)',
  'locked out', 'knocked out in (?:the|a) game',
];
const IDIOMS_RE = new RegExp(`(?<= )(?:${IDIOMS.join('|')})(?= )`, 'g');

/** The canonical, padded form of a message: " word word … ", with idioms blanked to "qq". */
export function prepareText(text: string): string {
  const marked = text
    .normalize('NFC')
    .toLowerCase()
    .replace(/[’'`]/g, '')
    .replace(MARKER_RE, (w) => ` ${MARKER_OF.get(w)} `);
  const words = normalizeText(marked)
    .replace(/(\p{L})\1{2,}/gu, '$1')
    .split(' ')
    .map((w) => CANONICAL[w] ?? w);
  let padded = ` ${words.join(' ')} `;
  for (const [re, to] of PHRASES) padded = padded.replace(re, to).replace(re, to);
  return padded.replace(IDIOMS_RE, 'qq').replace(/ +/g, ' ');
}
