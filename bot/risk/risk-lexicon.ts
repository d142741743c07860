/**
 * Concepts the risk rules combine, as regular-expression alternatives over the canonical text
 * of risk-text.ts (plain, lowercase, one space between words; `[^ ]+` is any one word).
 * Vietnamese and English side by side. Markers ("zso", "zban"…) are the risk sense of a word
 * that was written with its diacritics.
 */

/** Alternatives joined into one group. */
export const alt = (...parts: string[]) => `(?:${parts.join('|')})`;

/** The child, as the child or a parent says it. */
export const ME = alt('em', 'con', 'chau', 'minh', 'toi', 'tao', 'to', 'tui', 'be', 'con gai toi', 'con trai toi', 'con toi', 'ban em', 'ban ay', 'ban minh');
export const ME_EN = alt('me', 'myself', 'us', 'my (?:daughter|son|child|kid|sister|brother|friend)');

/** People at home, in Vietnamese (never the bare ambiguous "co", "di", "cau", "anh"). */
export const KIN = alt(
  'bo', 'ba', 'cha', 'me', 'bo me', 'ba me', 'cha me', 'duong', 'me ke', 'me ghe', 'di ghe', 'bo ke',
  'ong', 'ong noi', 'ong ngoai', 'ba noi', 'ba ngoai', 'anh trai', 'chi gai', 'anh ho', 'chi ho', 'chu',
  'bac', 'cau ay', 'cau ruot', 'thim', 'mo', 'chong toi', 'chong', 'bo no', 'me no', 'nguoi nha', 'anh re',
  'ban trai cua me', 'nguoi yeu cua me', 'chu ho', 'bac ho',
);
/** Any adult or older person around a child, at home, school or outside. */
export const ADULT = alt(
  KIN, 'thay', 'thay giao', 'co giao', 'co ay', 'thay day them', 'co day them', 'hang xom', 'nguoi la',
  'nguoi lon', 'ong ay', 'chu ay', 'anh ay', 'bac ay', 'ong ta', 'anh ta', 'han', 'gia', 'lao', 'bao ve',
  'tai xe', 'lai xe', 'huan luyen vien', 'hlv', 'ong chu', 'ba chu', 'chu nha', 'nguoi ta', 'no', 'thang do',
  'anh hang xom', 'chu hang xom', 'bac hang xom', 'ong hang xom', 'ke la', 'chu lai xe', 'anh quen',
);
export const ADULT_EN = alt(
  'dad', 'father', 'mom', 'mother', 'stepdad', 'stepmom', 'parents', 'uncle', 'aunt', 'cousin', 'brother',
  'grandpa', 'grandfather', 'grandma', 'grandmother', 'teacher', 'coach', 'tutor', 'neighbour', 'stranger',
  'man', 'guy', 'men', 'adult', 'he', 'she', 'they', 'boyfriend', 'someone', 'somebody', 'priest', 'driver',
  'boss', 'his', 'him', 'husband', 'family',
);
/** Children and classmates: the same harm from them is bullying. */
/** Family members in English, who do family violence ("my stepdad hits me"). */
export const FAMILY_EN = alt(
  'dad', 'daddy', 'father', 'mom', 'mum', 'mommy', 'mummy', 'mother', 'stepdad', 'stepfather', 'stepmom', 'stepmum', 'stepmother',
  'parents', 'uncle', 'aunt', 'grandpa', 'grandfather', 'grandma', 'grandmother', 'brother', 'sister', 'cousin', 'family',
);

export const PEERS = alt(
  'ban', 'cac ban', 'ban be', 'ban cung lop', 'ban cung ban', 'may ban', 'mot so ban', 'lop(?! [0-9])', 'ca lop',
  'truong', 'o truong', 'hoc sinh', 'dan chi', 'dan anh', 'lop tren', 'lop ben', 'tui no', 'bon no',
  'tui nay', 'may dua', 'may thang', 'may con', 'dam ban', 'nhom ban', 'classmates', 'kids', 'boys',
  'girls', 'school', 'class', 'bullies', 'older kids', 'students', 'bus', 'recess',
);

/** Hitting and hurting, Vietnamese verbs (the bare "đá", "đạp", "đập" only with an object). */
export const HIT = alt(
  'danh(?! nhau)', 'danh dap', 'ztat', 'tat (?:em|con|vao|toi|chau|minh)', 'zdam', 'dam (?:vao|em|con|chau)',
  'quat', 'zsmash (?:vao|dau|em|con)', 'dap (?:vao|dau|em|con)', 'da (?:vao|em|con|chau)', 'bop co', 'siet co',
  'xo nga', 'day nga', 'nem (?:do|coc|ghe|dep|bat|chen)', 'veo', 'nheo', 'cau (?:vao|em)', 'giat toc', 'tum toc',
  'keo toc', 'tra tan', 'hanh ha', 'zbaohanh', 'bao hanh', 'di thuoc la', 'dot thuoc la', 'doi nuoc soi',
  'hat nuoc soi', 'thuoc la (?:[^ ]+ )?(?:di|dot|chi|gi|dau)', 'dot (?:vao )?(?:tay|nguoi|chan)', 'dung roi', 'lay roi', 'zdon', 'an don', 'bi don', 'lay gay', 'lay day', 'lay that lung',
);
export const HIT_EN = alt(
  'hits?', 'hitting', 'beats?', 'beating', 'beaten', 'beat', 'slaps?', 'slapped', 'slapping', 'punch(?:es|ed|ing)?',
  'kick(?:s|ed|ing)?', 'chok(?:e|es|ed|ing)', 'strangl(?:e|es|ed|ing)', 'burn(?:s|ed)?', 'whip(?:s|ped)?',
  'hurts?', 'hurting', 'abus(?:e|es|ed|ing)', 'throws? things at', 'batter(?:s|ed)?', 'attack(?:s|ed|ing)?',
  'smack(?:s|ed)?', 'shov(?:e|es|ed)', 'push(?:es|ed)?',
);
/** What a beating leaves. */
export const INJURY = alt(
  'bam tim', 'tim nguoi', 'bam dap', 'tham tim', 'vet bam', 'ztat', 'chay mau', 'sung (?:mat|moi|tay|chan|dau)',
  'z?gay (?:tay|chan|xuong)', 'vet thuong', 'bruises?', 'bleeding', 'black eye', 'burns', 'scars?',
);

/** Touching, undressing, intimacy (Vietnamese; plain "so" only where context makes it touch). */
export const BODY = alt(
  'nguoi (?:em|con|chau|minh|toi)', 'nguc', 'zbutt', 'mong', 'dui', 'vung kin', 'cho kin', 'cho nhay cam',
  'vung nhay cam', 'bo phan sinh duc', 'duoi quan', 'trong quan', 'trong ao', 'bung duoi', 'vong 1', 'ti',
  'quan lot', 'do lot', 'than the',
);
export const TOUCH = alt(
  'zso', 'z?so mo', 'z?so soang', 'so (?:vao |len )?(?:nguoi (?:em|con|chau|minh)|nguc|mong|zbutt|dui|vung kin|cho kin|duoi quan|trong quan|trong ao)', 'cham (?:vao|len)',
  'dong (?:vao|cham)', 'mo mam', 'bop (?:nguc|mong|zbutt)', 'vuot ve', 'xoa (?:nguoi|dui|nguc)', 'ro (?:vao|mo)',
);
export const UNDRESS = alt(
  '(?:z?coi|lot) (?:het )?(?:ao|quan|do|vay|quan ao|dong phuc|het)', 'khong mac (?:gi|quan|ao|do)', 'khoa than',
  'take off (?:my|her|his|your) clothes', 'undress(?:ed|ing)?', 'strip(?:ped)?', 'naked', 'without (?:any )?clothes',
  'in (?:my|her) underwear',
);
/** Being told to keep it from others. */
export const SECRET = alt(
  '(?:khong|dung|cam) (?:duoc )?(?:ke|noi|mach|bao|cho ai biet|ke lai)(?: [^ ]+){0,2} (?:voi )?(?:ai|bo|me|bo me|gia dinh|co|thay|nguoi khac)',
  '(?:dan|bao|doa) (?:em|con|chau|minh)? ?(?:khong|dung) (?:duoc )?(?:ke|noi|mach)', 'bi mat cua (?:hai|2)', 'bi mat rieng',
  'bi mat (?:cua )?(?:hai|2)? ?(?:chu|bac|ong|thay|anh) (?:chau|em|tro)', 'giu bi mat', 'khong duoc ke', 'khong duoc noi',
  'dont tell (?:anyone|your|my|mom|dad)', 'not (?:to )?tell (?:anyone|my|mom|dad|your)', 'our (?:little )?secret',
  'keep (?:it|this) (?:a )?secret', 'keeps? (?:secrets|a secret|it a secret)', 'makes? me (?:keep|promise)', 'just between us', 'without (?:telling|my parents knowing)',
);
export const GIFT = alt(
  'cho (?:em|con|chau|minh)? ?(?:tien|qua|keo|dien thoai)', 'mua (?:qua|do|dien thoai)', 'tang qua', 'nap (?:the|game)',
  'hua cho tien', 'money', 'gifts?', 'presents?', 'robux', 'v bucks', 'buys? me',
);
export const NIGHT = alt('dem', 'ban dem', 'toi nao', 'dem nao', 'nua dem', 'luc em ngu', 'khi em ngu', 'luc (?:em|con) dang ngu', 'at night', 'every night', 'when im asleep', 'tonight', 'toi nay', 'dem nay');

/** Online places and people met there. */
export const ONLINE = alt(
  'tren mang', 'qua mang', 'mang xa hoi', 'online', 'facebook', 'fb', 'zalo', 'tiktok', 'instagram', 'insta',
  'messenger', 'telegram', 'discord', 'roblox', 'snapchat', 'game', 'in a game', 'minecraft', 'free fire',
  'lien quan', 'chat', 'app', 'livestream', 'quen qua', 'webcam', 'group', 'nhom chat', 'internet',
);
export const IMAGE = alt('zanh', 'hinh', 'hinh anh', 'clip', 'video', 'pics', 'nudes?', 'selfies?', 'videos?');
export const INTIMATE = alt(
  'nong', 'nude', 'nudes', 'khoa than', 'sex', 'nhay cam', 'rieng tu', 'khong mac (?:ao|quan|do|gi)', 'mac do lot', 'do lot',
  'show hang', 'z?coi do', 'z?coi ao', 'than the', 'cho kin', 'vung kin', 'nguc', 'naked', 'without clothes',
  'of (?:my|your) body', 'underwear', 'private', 'in (?:my|your) underwear', 'sexy',
);
export const MEET_PRIVATE = alt(
  'gap rieng', 'gap mat rieng', 'ra gap', 'hen gap', 'gap (?:em|nhau) (?:o|tai) (?:nha|khach san|nha nghi)',
  'nha nghi', 'khach san', 'den nha (?:anh|chu|ong|han)', 'meet (?:me |up )?alone', 'come to (?:his|her|their) (?:house|place|home|hotel)',
  'meet (?:me|up) (?:in|at) (?:a|the|his) (?:hotel|house|place)', 'pick me up',
);

/** Lures: work, travel, love, leaving now. */
export const JOB = alt('viec', 'viec lam', 'lam viec', 'di lam', 'lam thue', 'cong viec', 'job', 'work', 'working', 'lam nguoi mau', 'nguoi mau', 'lam tiep vien');
export const OFFER = alt('hua', 'hua hen', 'ru', 'du', 'lua', 'moi', 'gioi thieu', 'offer(?:ed|s)?', 'promis(?:e|ed|es)', 'said i could', 'told me i could');
export const FAR = alt(
  'trung quoc', 'campuchia', 'lao', 'thai lan', 'malaysia', 'nuoc ngoai', 'bien gioi', 'ben kia bien gioi', 'sang ben kia',
  'thanh pho', 'len thanh pho', 'xa', 'tinh khac', 'abroad', 'another (?:country|city|province)', 'the city', 'across the border', 'far away', 'karaoke',
);
export const BIG_MONEY = alt('luong cao', 'nhieu tien', 'kiem nhieu tien', 'bao an o', 'khong can (?:giay to|bang cap)', 'lots of money', 'a lot of money', 'high pay', 'good money', 'well paid');
export const NOW_LEAVE = alt(
  'di ngay', 'di luon', 'toi nay', 'dem nay', 'ngay bay gio', 'ngay hom nay', 'khong can (?:noi|bao|xin phep)', 'bo nha',
  'tonight', 'right now', 'right away', 'leave now', 'run away',
);

/** Happening now. */
export const NOW = alt('dang', 'ngay bay gio', 'bay gio', 'luc nay', 'ngay luc nay', 'right now', 'now', 'currently', 'at the moment');
/** Lessons, news, stories, games: talk about a harm, not a disclosure of one. */
export const ABOUT = alt(
  'bai hoc', 'bai giang', 'hoc ve', 'tiet hoc ve', 'bai thuyet trinh', 'day (?:bon|chung|cac|lop) (?:em|minh|toi|con)', 'thuyet trinh', 'tuyen truyen', 'phong chong',
  'poster', 'dong kich', 'bai van', 'tin tuc', 'doc bao', 'tren bao', 'bao chi', 'phim', 'truyen', 'tieu thuyet', 'nhan vat', 'doc sach', 'cuon sach',
  'documentary', 'news', 'learned', 'learn', 'class about', 'lesson', 'assembly', 'presentation', 'movie', 'film',
  'story', 'article', 'book', 'essay', 'project', 'luat', 'prevention', 'civics', 'history', 'lich su', 'dia ly',
);
/** Trivial things a cry for help is sometimes about ("cứu em bài này với"). */
export const TRIVIAL = alt(
  'bai', 'bai tap', 'bai van', 'mon', 'toan', 'kiem tra', 'thi', 'hoc', 'cau nay', 'homework', 'password', 'math',
  'english', 'gift', 'pick', 'choose', 'game', 'but', 'quen mang', 'forgot', 'mat khau', 'essay', 'test', 'exam',
);
