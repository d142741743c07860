/**
 * Risk-word detector for children's messages (DOMAIN.md, "Risk words").
 *
 * It reports categories only, never the words that matched, so nothing a child wrote can reach
 * the logs through it. Matching runs twice:
 * - on the normalised text (no diacritics, lowercase), so "ko muon song" and "không muốn sống"
 *   behave the same;
 * - on the original text with its diacritics, for phrases whose plain form is ambiguous
 *   ("bỏ đói" vs "bộ đội" both normalise to "bo doi").
 * Known everyday phrases ("đánh răng", "từ từ", "mệt muốn chết") are blanked out first.
 */
import { normalizeText } from '../../models/search-words.js';

/** Harm a message may point to (Law on Children 102/2016 art. 4, plus the immediate-danger cry). */
export type RiskCategory =
  | 'self_harm'
  | 'sexual_abuse'
  | 'violence'
  | 'confinement'
  /** Abduction, sale of a child, and forced or child marriage. */
  | 'trafficking'
  | 'exploitation'
  /** Sextortion, leaked or requested intimate images, grooming online. */
  | 'online_sexual'
  | 'neglect'
  /** A cry for help, a threat to kill, a serious injury happening now. */
  | 'danger_now';

/** Every category, in the order {@link detectRisk} reports them. */
export const RISK_CATEGORIES: readonly RiskCategory[] = [
  'danger_now', 'self_harm', 'sexual_abuse', 'online_sexual', 'trafficking', 'confinement',
  'violence', 'neglect', 'exploitation',
];

/**
 * Categories that make a message urgent. PRODUCT.md: words of self-harm, sexual abuse,
 * violence, being locked up or trafficking make the case urgent, show the emergency numbers and
 * alert staff at once — a child who writes "bố đánh em" is answered as fast as we can, and a
 * counsellor, not this list, decides how serious it is. So every category is urgent.
 */
export const URGENT_CATEGORIES: ReadonlySet<RiskCategory> = new Set<RiskCategory>(RISK_CATEGORIES);

/** What {@link detectRisk} found: never the matched text. */
export interface RiskResult {
  urgent: boolean;
  categories: RiskCategory[];
}

/** The folding is shared with word search (models/search-words.ts). */
export { normalizeText };

function combos(heads: readonly string[], tails: readonly string[]): string[] {
  return heads.flatMap((h) => tails.map((t) => `${h} ${t}`));
}

const KIN = ['bố', 'mẹ', 'bố mẹ', 'ba', 'ba mẹ', 'cha', 'cha mẹ', 'dượng', 'mẹ kế', 'dì ghẻ',
  'mẹ ghẻ', 'anh trai', 'chị gái', 'cô giáo', 'thầy giáo', 'thầy', 'chú', 'bác', 'ông'];
const ME = ['em', 'con', 'cháu', 'mình', 'tôi', 'tao', 'tớ'];
const MEDIA = ['hình', 'clip', 'video'];

/**
 * Risk phrases matched on normalised text, whole words only; `*` stands for exactly one word.
 * Teen spellings ("ko", "k", "mún", "bme", "e", "vs"…) are added at load.
 * "tự tử" needs context here because its plain form "tu tu" is also "từ từ" (slowly).
 */
export const RISK_PHRASES: Record<RiskCategory, string[]> = {
  self_harm: [
    'muốn chết', 'muốn đi chết', 'muốn die', 'không muốn sống', 'chẳng muốn sống', 'chả muốn sống',
    'hết muốn sống', 'không thiết sống', 'chẳng thiết sống', 'không muốn tồn tại', 'chán sống',
    'muốn biến mất', 'sống không bằng chết', 'chết quách', 'chết cho xong', 'chết cho rồi',
    'chết đi cho xong', 'chết đi cho rồi', 'thà chết',
    ...combos(['ước gì', 'ước'], ['em chết', 'mình chết', 'tôi chết']),
    'tự sát', 'tự làm đau', 'tự làm hại', 'tự rạch', 'rạch tay', 'rạch cổ tay', 'cắt tay',
    'treo cổ', 'nhảy lầu', 'nhảy cầu', 'nhảy sông', 'nhảy xuống sông', 'gieo mình', 'kết liễu',
    'kết thúc cuộc đời', 'kết thúc cuộc sống', 'thư tuyệt mệnh', 'ngủ mãi không dậy',
    'quá liều', 'uống quá liều', 'uống cả vỉ', 'uống hết vỉ', 'uống hết cả vỉ', 'uống nước tẩy',
    ...combos(['uống'], ['cả lọ thuốc', 'hết lọ thuốc', 'thuốc ngủ', 'thuốc chuột', 'thuốc sâu',
      'thuốc trừ sâu', 'thuốc diệt cỏ', 'thuốc tẩy']),
    ...combos(['muốn', 'muốn đi', 'định', 'sẽ', 'đã', 'vừa', 'nghĩ đến', 'nghĩ tới', 'ý định',
      'dọa', 'đòi', 'rủ', 'từng', 'cách', 'chắc', 'bạn em', 'bạn mình', 'bạn tôi'], ['tự tử']),
    ...combos(['tự tử'], ['chết', 'cho xong', 'cho rồi', 'luôn', 'mất']),
  ],
  sexual_abuse: [
    'bị xâm hại', 'xâm hại tình dục', 'bị xâm phạm', 'sờ mó', 'sờ soạng', 'bị dâm ô',
    'quấy rối tình dục', ...combos(['sờ', 'sờ vào', 'chạm vào', 'động vào', 'bị sờ'],
      ['người em', 'ngực', 'mông', 'đùi', 'vùng kín', 'chỗ kín']), 'sờ vào người',
    'hiếp dâm', 'bị hiếp', 'hiếp em', 'cưỡng hiếp', 'cưỡng dâm', 'cưỡng bức', 'gạ gẫm', 'gạ tình',
    'gạ quan hệ', 'ép quan hệ', 'bắt quan hệ', 'ép làm chuyện ấy', 'bắt làm chuyện ấy',
    'làm chuyện người lớn', 'lạm dụng tình dục', 'bị lạm dụng', 'ấu dâm', 'yêu râu xanh',
    'loạn luân', 'bị người lớn ép', 'ép hôn', 'cưỡng hôn', 'bắt hôn', 'hôn vào môi em',
    'bắt cởi đồ', 'bắt cởi quần', 'bắt cởi áo', 'ép cởi', 'bắt * cởi đồ', 'bắt * cởi quần',
    'bị lột đồ', 'lột quần áo', ...combos(['cho xem', 'bắt xem', 'cho em xem', 'bắt em xem'],
      ['phim sex', 'phim người lớn', 'ảnh sex']),
    ...combos(['rủ', 'đưa', 'dẫn', 'gạ'], ['vào nhà nghỉ', 'đi nhà nghỉ']),
    'ép bán dâm', 'bắt bán dâm', 'ép đi khách', 'bắt đi khách', 'gặp biến thái', 'bị biến thái',
  ],
  online_sexual: [
    ...combos(MEDIA, ['nóng', 'nude', 'khỏa thân', 'sex', 'nhạy cảm', 'riêng tư']),
    'ảnh nude', 'ảnh khỏa thân', 'ảnh sex',
    ...combos(['gửi', 'lộ', 'bị lộ', 'tung', 'xin', 'đòi', 'đăng', 'chụp', 'phát tán'],
      ['ảnh nóng', 'ảnh nhạy cảm']),
    'dọa tung', 'dọa đăng', 'dọa phát tán', 'dọa gửi ảnh', 'dọa gửi clip',
    ...combos(['phát tán', 'dọa tung', 'dọa đăng'], ['ảnh', ...MEDIA]),
    'gửi nude', 'xin nude', 'đòi nude', 'chat sex', 'call sex', 'gọi video sex', 'nhắn tin sex',
    'cởi đồ qua video', 'bắt show hàng', 'đòi show hàng', 'bắt * show hàng', 'bị quay lén',
    'bị chụp lén', 'quay lén em', 'chụp lén em', 'sextortion',
  ],
  trafficking: [
    'bắt cóc', 'buôn người', 'buôn bán người', 'mua bán người', 'mua bán trẻ em', 'bị lừa bán',
    'bị bán sang', 'bị bán qua', ...combos(['lừa sang', 'lừa qua', 'dụ sang', 'dụ qua'],
      ['trung quốc', 'campuchia', 'lào', 'biên giới']),
    'đưa qua biên giới', 'dẫn qua biên giới', 'vượt biên', 'bị bắt đi',
    ...combos(['người lạ'], ['dụ', 'bắt', 'đưa đi', 'kéo', 'lôi']),
    ...combos(['dụ', 'kéo', 'lôi', 'bắt', 'đẩy'], ['lên xe']),
    // Child marriage here: it is often bride trafficking across the border, and time-critical.
    'ép cưới', 'ép * cưới', 'ép lấy chồng', 'ép lấy vợ', 'bắt lấy chồng', 'bắt lấy vợ',
    'ép * lấy chồng', 'bắt * lấy chồng', 'bắt đi lấy chồng', 'ép kết hôn', 'bắt kết hôn',
    'cưỡng ép kết hôn', 'bị tảo hôn', 'ép tảo hôn', 'bắt tảo hôn', 'bắt về làm vợ', 'bị bắt vợ',
  ],
  confinement: [
    'bị nhốt',
    ...combos(['nhốt'], [...ME, 'trong', 'vào phòng', 'vào nhà', 'vào nhà vệ sinh', 'vào kho']),
    'khóa trái cửa', 'bị khóa trái', 'khóa em trong', 'khóa trong phòng', 'giam lỏng', 'giam cầm',
    'giam giữ', 'giam em trong', 'bị xích', 'xích chân', 'xích tay', 'xích em', 'trói tay',
    'trói chân', 'trói em', 'trói vào', 'không cho về nhà', 'không cho em về',
  ],
  violence: [
    'bị đánh', 'bị * đánh', 'bị * * đánh', ...combos(KIN, ['đánh']), ...combos(['đánh'], ME),
    'đánh đập', 'bị bạo hành', 'bạo hành em', 'bạo hành con', 'bạo hành trẻ em', 'bạo lực gia đình',
    'bạo lực học đường', 'hành hạ', 'đánh hội đồng', 'bắt nạt', 'ức hiếp', 'tát em', 'tát vào mặt',
    'tát vào má', 'đấm em', 'bị đấm', 'đấm vào mặt', 'đấm vào bụng', 'đá vào bụng', 'đá vào người',
    'đạp vào người', 'đạp vào bụng', 'túm tóc', 'giật tóc', ...combos(['đánh bằng'],
      ['roi', 'gậy', 'thước', 'dây', 'thắt lưng', 'dây lưng', 'dép', 'móc áo']),
    'lấy gậy đánh', 'lấy thắt lưng', 'ăn đòn', 'bị đòn', 'trận đòn', 'đánh đòn', 'bị bầm tím',
    'đánh bầm tím', 'bầm dập', 'thâm tím', 'đánh sưng', 'đánh chảy máu', 'chửi bới', 'chửi rủa',
    'lăng mạ', 'sỉ nhục', 'nhục mạ', 'đuổi ra khỏi nhà', 'đuổi ra đường', 'đe dọa', 'dọa đánh',
    'tống tiền', 'trấn lột', 'bị cô lập', 'bị tẩy chay', 'bắt quỳ', 'phạt quỳ', 'dí thuốc lá',
    'châm thuốc lá', 'hắt nước sôi', 'dội nước sôi',
  ],
  neglect: [
    'bị bỏ đói', 'bỏ đói em', 'bỏ đói con', 'không cho ăn', 'không cho em ăn', 'không cho con ăn',
    'không được ăn uống', 'mấy ngày không được ăn', 'mấy ngày chưa được ăn', 'mấy ngày chưa ăn',
    'cả ngày không được ăn', 'nhịn đói', 'bắt nhịn đói', 'đói lả', 'không có cơm ăn',
    'bị bỏ rơi', 'bỏ rơi em', 'bỏ mặc', 'bị bỏ mặc', 'bỏ em một mình', 'ở nhà một mình mấy ngày',
    'không ai chăm sóc', 'không ai nuôi', 'không ai lo cho em', 'không cho đi học',
    'không cho đi khám', 'không cho đi viện', 'không đưa đi viện', 'ngủ ngoài đường',
    'không có chỗ ngủ', 'không có nhà để về',
  ],
  exploitation: [
    'bóc lột', 'bị ép làm', 'ép làm việc', 'bắt làm việc', 'bắt đi làm', ...combos(['bắt', 'ép'],
      ['em đi làm', 'con đi làm', 'đi ăn xin', 'ăn xin', 'đi bán vé số', 'bán vé số',
        'đi bán hàng rong']),
    'nghỉ học đi làm', 'bắt nghỉ học', 'đi ăn xin', 'đi bán vé số', 'lao động trẻ em',
    'lao động cưỡng bức', 'làm không công', 'không trả lương', 'không trả tiền công',
    'bị giữ lương', 'làm quần quật', 'làm từ sáng đến tối', 'làm từ sáng tới tối',
    'làm từ sáng đến đêm', 'lừa đi làm', 'dụ đi làm', 'bị lừa đi làm',
  ],
  danger_now: [
    ...combos(['cứu'], ['em', 'em với', 'với', 'tôi', 'mình', 'tao', 'tớ', 'cháu', 'mạng']),
    'giải cứu em', 'help me', 'sos', 'dọa giết', 'đòi giết', 'muốn giết em', 'giết chết em',
    ...combos(['giết'], ['em', 'tao', 'mình', 'tôi', 'cả nhà']), 'đánh chết', 'dọa đánh chết',
    'đánh gãy', 'đánh ngất', 'đánh bất tỉnh', 'cầm dao đuổi', 'cầm dao dọa', 'cầm dao chém',
    'dí dao', 'kề dao', 'dọa chém', 'bị chém', 'chém em', 'đang bị đánh', 'đang bị nhốt',
    'đang bị theo dõi', 'đang bị đuổi theo', 'có người theo dõi em', 'chảy nhiều máu',
    'chảy máu nhiều', 'mất nhiều máu', 'bị thương nặng', 'bất tỉnh', 'mất tích', 'gọi 113',
    'gọi 115', 'gọi công an giúp', 'báo công an giúp',
  ],
};

/**
 * Risk phrases matched only as written, with diacritics, because their plain form is an
 * everyday phrase too: "tự tử"/"từ từ", "bỏ đói"/"bộ đội", "quấy rối"/"quay rồi",
 * "bị giam"/"bị giảm", "bạo hành"/"bảo hành", "tự vẫn"/"tư vấn", "dâm ô"/"đấm ở".
 */
export const EXACT_RISK_PHRASES: Partial<Record<RiskCategory, string[]>> = {
  self_harm: ['tự tử', 'tự tữ', 'tự sát', 'tự vẫn', 'tự hại', 'cứa tay', 'cứa cổ tay'],
  sexual_abuse: ['dâm ô', 'quấy rối', 'sờ vào', 'bị sờ', 'sờ em', 'sờ mình', 'sờ người',
    ...combos(['chú ấy', 'anh ấy', 'ông ấy', 'chú', 'thầy', 'bố', 'dượng', 'ông'], ['sờ']),
    'bán dâm', 'mua dâm', 'lột đồ'],
  online_sexual: ['ảnh nóng', 'ảnh nhạy cảm', 'ảnh riêng tư'],
  trafficking: ['bị bán', 'bán em đi', 'bán em cho', 'bán con đi', 'bán con cho', 'muốn bán em',
    'định bán em', 'lừa bán', 'tảo hôn', 'bắt cưới', 'gả em', 'gả con', 'bị gả', 'ép gả', 'gả bán',
    ...combos(['bán sang', 'bán qua'], ['trung quốc', 'campuchia', 'lào', 'biên giới'])],
  confinement: ['bị giam', 'bị trói'],
  violence: ['tát', 'bị tát', 'bạo hành', 'bầm tím', 'quất', 'lấy roi', 'bằng roi', 'roi mây',
    'đòn roi', 'đá em'],
  neglect: ['bỏ đói', 'bỏ rơi'],
  danger_now: ['bị đâm', 'đâm em', 'cứu con'],
};

/** Everyday phrases blanked out of the normalised text before matching. */
const FALSE_ALARMS: string[] = [
  ...combos(['đánh'], ['thức', 'răng', 'giá', 'cầu lông', 'đàn', 'piano', 'guitar', 'ghi ta',
    'organ', 'bài', 'bạc', 'lô', 'cờ tướng', 'cờ vua', 'cờ caro', 'bóng bàn', 'bóng', 'tennis',
    'bi a', 'bida', 'golf', 'son', 'phấn', 'trứng', 'lừa', 'cắp', 'rớt', 'trượt', 'thuế', 'chữ',
    'con muỗi', 'con ruồi', 'gió', 'cảm', 'giày', 'liều', 'đổi', 'bắt cá', 'giặc', 'boss', 'quái',
    'rank', 'nhịp', 'tiếng']),
  'dành thời gian', 'dành tiền', 'dành riêng', 'dành dụm',
  ...combos(['mệt', 'đói', 'nóng', 'lạnh', 'buồn ngủ', 'khát', 'cười', 'vui', 'sướng', 'ngon',
    'đẹp', 'xấu hổ', 'ngại', 'ngượng', 'sợ', 'đau'], ['muốn chết']),
  ...combos(['từ từ'], ['kể', 'nói', 'thôi', 'tính', 'rồi tính', 'làm', 'học', 'tìm hiểu',
    'suy nghĩ', 'nghĩ', 'đọc', 'viết', 'trả lời', 'quen', 'giải quyết', 'thích nghi', 'hiểu']),
  ...combos(['ăn'], ['kẹo', 'kem', 'vặt', 'quà', 'quà vặt', 'đồ ăn vặt', 'bim bim', 'mì tôm',
    'đồ ngọt', 'snack', 'gà rán', 'đồ ăn nhanh', 'đồ chiên', 'socola', 'bánh kẹo', 'đêm', 'khuya',
    'ngoài', 'xúc xích', 'cay', 'lẩu']),
  'cắt tay áo', 'trò chơi treo cổ', 'chơi treo cổ', 'game treo cổ', 'nghiên cứu', 'làm bài',
  'làm việc nhà',
];

/** Everyday words blanked only when written with diacritics; their plain form is a risk word. */
const EXACT_FALSE_ALARMS: string[] = [
  'từ từ', 'dành', 'bí danh', 'nhọt', 'nhột', 'nhớt', 'tủ sắt', 'đánh dấu', 'đánh vần', 'đánh máy',
  'đánh mất', 'đánh rơi', 'đánh muỗi', 'đánh cờ',
];

/** Teen spellings and abbreviations, keyed by the full word (normalised at load). */
const SPELLINGS: Record<string, string[]> = {
  'không': ['ko', 'k', 'kh', 'kg', 'khg', 'hk', 'hok', 'hong', 'khum', 'hem'],
  'muốn': ['mun'],
  'bố mẹ': ['bme', 'bm'],
  'em': ['e'],
  'mình': ['mk', 'mik'],
  'người': ['ng'],
  'được': ['dc'],
  'với': ['vs'],
  'rồi': ['r'],
  'gì': ['j'],
  'trung quốc': ['tq'],
};

// A word no phrase contains: blanked text cannot join its neighbours into a new match.
const BLANK = 'qqq';
const SPELLING_PAIRS = Object.entries(SPELLINGS).map(
  ([word, alts]) => [normalizeText(word), alts] as const,
);

function normalizePhrase(phrase: string): string {
  return phrase.split(/\s+/).map((w) => (w === '*' ? w : normalizeText(w))).join(' ');
}

/** The normalised phrase and every teen spelling of it. */
function expand(phrase: string): string[] {
  let out = [normalizePhrase(phrase)];
  for (const [word, alts] of SPELLING_PAIRS) {
    out = out.flatMap((p) => {
      const parts = ` ${p} `.split(` ${word} `);
      return parts.length === 1 ? [p] : [p, ...alts.map((a) => parts.join(` ${a} `).trim())];
    });
  }
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Longest first, so a longer false alarm wins over a shorter one at the same place. */
function alternation(phrases: readonly string[], wordGap: string): string {
  return [...new Set(phrases)]
    .sort((a, b) => b.length - a.length)
    .map((p) => p.split(' ').map((w) => (w === '*' ? '[^ ]+' : escapeRe(w))).join(wordGap))
    .join('|');
}

/** For padded normalised text: words are separated by exactly one space. */
function normalizedRe(phrases: readonly string[], flags = ''): RegExp {
  return new RegExp(`(?<= )(?:${alternation(phrases.flatMap(expand), ' ')})(?= )`, flags);
}

/** For original text: any run of non-letters separates words. */
function exactRe(phrases: readonly string[], flags = ''): RegExp {
  const words = phrases.map((p) => p.normalize('NFC').toLowerCase().trim().replace(/\s+/g, ' '));
  const alt = alternation(words, '[^\\p{L}\\p{N}]+');
  return new RegExp(`(?<![\\p{L}\\p{N}\\p{M}])(?:${alt})(?![\\p{L}\\p{N}\\p{M}])`, `u${flags}`);
}

const MATCHERS = RISK_CATEGORIES.map((c) => [c, normalizedRe(RISK_PHRASES[c])] as const);
const EXACT_MATCHERS = RISK_CATEGORIES.flatMap((c) => {
  const phrases = EXACT_RISK_PHRASES[c];
  return phrases?.length ? [[c, exactRe(phrases)] as const] : [];
});
const FALSE_ALARMS_RE = normalizedRe(FALSE_ALARMS, 'g');
const EXACT_FALSE_ALARMS_RE = exactRe(EXACT_FALSE_ALARMS, 'g');

/**
 * Finds the risk categories a message points to. Returns only the categories (in
 * {@link RISK_CATEGORIES} order) and whether any is urgent, never the matched words.
 */
export function detectRisk(text: string): RiskResult {
  const original = text.normalize('NFC').toLowerCase();
  const found = new Set<RiskCategory>();
  for (const [category, re] of EXACT_MATCHERS) if (re.test(original)) found.add(category);

  const cleaned = original.replace(EXACT_FALSE_ALARMS_RE, ` ${BLANK} `);
  const padded = ` ${normalizeText(cleaned)} `.replace(FALSE_ALARMS_RE, BLANK);
  for (const [category, re] of MATCHERS) if (re.test(padded)) found.add(category);

  const categories = RISK_CATEGORIES.filter((c) => found.has(c));
  return { urgent: categories.some((c) => URGENT_CATEGORIES.has(c)), categories };
}
