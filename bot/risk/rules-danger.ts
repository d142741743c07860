/**
 * Rules for danger happening now and for self-harm: suicide said outright, hinted at or said as
 * a farewell, and self-harm in progress.
 */
import { ADULT, alt, HIT, HIT_EN, ME, TRIVIAL } from './risk-lexicon.js';
import { all, any, has, not, rules, seq, type Rule } from './risk-match.js';

const WEAPON = alt('dao', 'con dao', 'dao phay', 'dao gam', 'dao bau', 'kiem', 'riu', 'bua', 'sung', 'ma tau', 'gay', 'thanh sat', 'chai');
const WEAPON_EN = alt('knife', 'knives', 'gun', 'weapon', 'machete', 'axe', 'hammer', 'bat', 'pistol', 'rifle');
const THREAT = alt('doa', 'duoi', 'chem', 'zdam', 'dam', 'giet', 'danh', 'vao co', 'vao nguoi', 'dung ngoai', 'dung truoc', 'ngoai cua', 'tim', 'doi', 'lao vao', 'xong vao', 'di vao', 'kham', 'ke', 'chia vao');
const KITCHEN = alt('got', 'thai', 'chat', 'cat (?:rau|thit|ca|cui|hoa qua|banh)', 'nau', 'rau', 'thit', 'hoa qua', 'cui', 'phim', 'truyen', 'meat', 'cook', 'cooking', 'chop', 'vegetables', 'kitchen', 'movie', 'game');
const PILLS = alt('thuoc', 'thuoc ngu', 'thuoc chuot', 'thuoc sau', 'thuoc tru sau', 'thuoc diet co', 'thuoc tay', 'nuoc tay', 'vi thuoc', 'lo thuoc', 'hop thuoc');
const LONE_CRY = alt('cuu', 'cuu voi', 'cuu em', 'cuu toi', 'help me', 'sos', 'cuu con', 'cuu minh', 'cuu tui', 'giup em voi', 'giup toi voi', 'giup voi');
const LONE_CRY_RE = new RegExp(`^ (?:${LONE_CRY})(?: (?:voi|please|di|oi|em oi|anh chi oi|nhanh len))* $`);
const DISTRESS = alt('help', 'so', 'so qua', 'so lam', 'dau', 'dau qua', 'dau lam', 'scared', 'im scared', 'afraid', 'hurts', 'it hurts', 'khoc', 'hoang so', 'run qua', 'terrified');

const DISTRESS_RE = new RegExp(`^ (?:${DISTRESS})(?: (?:qua|lam|oi|em oi|anh chi oi|please|that))* $`);

export const DANGER_RULES: Rule[] = rules('danger_now', [
  ['cry_for_help', 'danger_now', all(
    any(has(`cuu ${alt('em', 'toi', 'minh', 'con', 'chau', 'tao', 'to', 'tui', 'voi', 'mang', 'me', 'bo', 'ban em')}`, 'giai cuu', 'please help', 'help me', 'help us', 'someone help', 'call (?:the )?police', 'goi (?:cong an|113|115|canh sat)')),
    not(has(TRIVIAL, 'with', 'can you', 'could you', 'how', 'lam sao de', 'giai', 'find', 'understand', 'to (?:choose|pick|find|write|do)')),
  )],
  // A lone cry is urgent but not yet "happening now": the numbers, staff alerted, and a question.
  ['lone_cry', 'serious', (s) => LONE_CRY_RE.test(s)],
  ['violence_now', 'danger_now', any(
    seq(3, alt(ADULT, 'ai do', 'co nguoi'), `dang (?:bi )?${alt(HIT, 'danh', 'dap pha', 'zsmash pha', 'pha cua', 'dap cua', 'zsmash cua', 'zsmash', 'dap', 'dot', 'tim em', 'doi vao', 'duoi', 'bop co', 'keo em', 'loi em', 'cuong hiep', 'xam hai')}`),
    seq(3, 'dang bi', alt(HIT, 'danh', 'duoi')),
    seq(5, HIT, alt('ngay bay gio', 'bay gio', 'luc nay', 'ngay luc nay')),
    seq(2, alt('is', 'are', 'hes', 'shes', 'theyre', 'keeps'), alt('hitting', 'beating', 'hurting', 'choking', 'attacking', 'kicking', 'breaking', 'banging on', 'smashing', 'strangling', 'coming', 'trying to (?:get in|break|take|kill|hurt)')),
    all(has(HIT_EN), has('right now', 'now', 'tonight')),
    all(has('say ruou', 'drunk', 'say xin'), has('dang', 'right now', 'now'), has('dap pha', 'zsmash pha', 'zsmash', 'danh', 'cam dao', 'doa', 'breaking', 'smashing', 'hitting')),
  )],
  ['weapon', 'danger_now', any(
    all(seq(1, alt('cam', 'lay', 'rut', 'vung', 'mang', 'chia', 'di', 'ke', 'gi', 'ap', 'dung'), WEAPON), has(THREAT), not(has(KITCHEN))),
    seq(3, alt('di', 'ke', 'chia', 'ap'), WEAPON, alt('vao', 'len')),
    all(has(WEAPON_EN), has('has', 'holding', 'with', 'grabbed', 'pulled', 'waving', 'pointing', 'threaten\\w*', 'got'), not(has(KITCHEN, 'toy', 'fake'))),
  )],
  ['threat_to_kill', 'danger_now', any(
    seq(2, alt('doa', 'doi', 'se', 'muon', 'dinh', 'noi se', 'bao se', 'sap'), `giet ${alt(ME, 'ca nha', 'me', 'bo', 'het', 'may', 'vo', 'chong')}`),
    has('giet chet', `danh chet ${alt(ME, 'may', 'ca nha', 'me', 'bo')}`, 'doa giet', 'doi giet', `giet ${alt('em', 'con', 'chau', 'ca nha')}`),
    seq(3, alt('will', 'going to', 'wants to', 'threaten(?:s|ed|ing)? to', 'said hed', 'said shed', 'says hell', 'hell', 'shell', 'try to', 'tried to'), `kill ${alt('me', 'us', 'my', 'her', 'him', 'you', 'mom', 'everyone')}`),
  )],
  ['locked_in', 'danger_now', any(
    has(`(?:bi )?z?nhot ${alt(ME, 'trong', 'vao', 'o', 'lai', 'ca', 'tu')}(?! (?:meo|ga|cho|chim|lon|vit|ca|tho|heo|bo|trau|chuot))`, 'bi znhot', 'bi nhot', 'khoa trai', 'bi khoa (?:trong|trai|lai)', `khoa ${alt(ME)} (?:trong|lai|vao)`, 'giam (?:em|long|cam|giu)', 'bi giam (?:o|trong|long)', 'bi xich', `xich ${alt('chan', 'tay', ME, 'vao')}`, 'bi troi', `troi ${alt('tay', 'chan', ME, 'vao', 'lai')}`, 'khong ra duoc', 'khong thoat ra duoc'),
    has('locked (?:me )?in(?!to)', 'locks? me (?:in|up)', 'locked (?:in|inside)', 'trapped', 'cant get out', 'wont let me (?:out|leave)', 'chained', 'tied (?:me )?up'),
  )],
  ['followed', 'danger_now', any(
    seq(3, alt('co nguoi', 'ai do', 'nguoi la', ADULT, 'dang'), alt('theo doi', 'di theo', 'bam theo', 'duoi theo', 'rinh'), alt(ME, 'ngoai', 'tu')),
    has('(?:following|stalking|watching) me', 'followed me'),
  )],
  // Hurt badly now, whatever the cause (a beating, a fall, self-harm): bleeding that goes on, out cold, not breathing.
  // Not self-harm by itself: "bị bố đánh chảy máu" then "em bị chảy máu nhiều lắm" is an injury from violence.
  ['injured', 'danger_now', has(
    '(?:dang|van|van dang|con) (?:bi )?chay (?:nhieu )?mau', 'chay (?:nhieu )?mau (?:nhieu|lam|qua|khong)', 'mat nhieu mau', 'khong cam (?:duoc )?mau', 'bat tinh', 'ngat xiu', 'khong tho', 'goi khong day', 'khong tinh',
    'wont stop bleeding', 'bleeding (?:a lot|badly|so much|heavily|everywhere)', '(?:im|is|hes|shes|am|are|still|keeps?) bleeding', 'not breathing', 'wont wake up', 'unconscious', 'passed out',
  )],
  ['hiding_in_fear', 'danger_now', any(
    // Hiding said outright ("em trốn trong tủ", "em đang trốn"), not a game of hide-and-seek.
    all(has(`tron ${alt('trong', 'duoi', 'vao', 'sau', 'o', 'ngoai')}`, `dang tron(?! ${alt('hoc', 'viec', 'tiet', 'bot', 'salad', 'rau', 'com', 'thuc an', 'sua', 'banh', 'nuoc', 'deu', 'mau', 'thit', 'do an', 'gia vi')})`), not(has('choi', 'game'))),
    all(has('tron', 'nap'), has('so', `${ADULT} (?:dang|doi|di) ${alt('tim', 'vao', 'den')}`, 'dang tim em', 'doi vao', 'khong (?:zdare|dam) (?:ra|mo)'), not(has('tron tim', 'nap tim', 'choi'))),
    all(has('hiding', 'hide'), not(has('hide and seek', 'game'))),
    seq(4, alt('dang o', 'dung'), alt('ngoai cua', 'truoc cua'), alt('khong (?:zdare|dam)', 'so')),
  )],
]);

export const SELF_HARM_RULES: Rule[] = rules('self_harm', [
  ['in_progress', 'danger_now', any(
    seq(3, alt('vua', 'da', 'dang', 'moi'), alt('uong', 'nuot'), `${alt('het', 'ca', 'nhieu', 'mot nam', 'qua nhieu', '[0-9]+ vien', 'muoi may vien', 'ca nam')} (?:[^ ]+ )?${PILLS}`),
    has('(?:uong|nuot) (?:[^ ]+ )?(?:thuoc tru sau|thuoc sau|thuoc chuot|nuoc tay|thuoc diet co|thuoc tay)'),
    has(`uong ${alt('het', 'ca')} (?:[^ ]+ )?${PILLS}`, 'uong (?:thuoc tru sau|thuoc sau|thuoc chuot|nuoc tay|thuoc diet co|thuoc tay)'),
    seq(2, alt('dang', 'vua'), alt('rach', 'cat', 'cua'), alt('tay', 'co tay', 'vao tay')),
    all(seq(2, 'dang dung', alt('tren', 'o'), alt('cau', 'san thuong', 'noc nha', 'mai nha', 'lan can', 'tang thuong', 'ban cong', 'thanh cau')), not(has('ngam', 'xem', 'phao hoa', 'chup', 'cung', 'voi'))),
    has('took (?:too many|a (?:whole )?bottle of|all (?:my|the)|a lot of) (?:pills|tablets|medicine)', 'overdos(?:e|ed|ing)', 'cut too deep', '(?:on|standing on) the (?:roof|ledge|bridge)'),
  )],
  ['said', 'serious', has(
    'muon (?:di )?chet', 'muon die', '(?:khong|chang|cha|het) (?:con )?(?:muon|thiet) song', 'khong muon ton tai', 'chan song', 'chan doi',
    'song (?:de|lam) (?:lam )?gi', 'song khong bang chet', 'chet (?:quach|cho xong|cho roi|di cho xong|di cho roi)', 'tha chet',
    `uoc (?:gi )?(?:${ME} )?(?:chet|chua (?:tung )?(?:duoc )?sinh ra|khong (?:duoc )?sinh ra|khong ton tai)`, 'tu sat', 'tu hai',
    'tu lam (?:dau|hai)', 'tu rach', 'rach (?:co )?tay', 'cat tay', 'cua (?:vao )?(?:co )?tay', 'treo co', 'nhay (?:lau|cau|song|xuong song)',
    'gieo minh', 'ket lieu', 'ket thuc (?:cuoc doi|cuoc song|tat ca|moi thu|het|doi minh)', 'tuyet menh', 'qua lieu', 'dao lam',
    'nghi (?:den|toi|ve) (?:cai chet|viec chet|chuyen chet|chet)', `(?:muon|dinh|se|da|vua|nghi den|nghi toi|y dinh|doa|doi|ru|tung|cach|chac|muon di) tu tu`,
    'tu tu (?:chet|cho xong|cho roi|luon|mat)',
  )],
  ['hinted', 'serious', any(
    has('ngu (?:mai|mot giac) (?:mai )?(?:khong|chang) (?:bao gio )?(?:day|tinh)', 'khong bao gio (?:tinh|thuc) (?:lai|day)', 'khong muon (?:thuc )?day nua',
      `muon bien mat (?:khoi (?:the gioi|cuoc doi|cuoc song|trai dat|doi)|mai mai|vinh vien|cho roi)`, 'nen bien mat', 'bien mat cho (?:xong|roi)',
      `${alt(ME)} (?:chi )?la ganh nang`, 'ganh nang cua (?:gia dinh|moi nguoi|bo me|ca nha)',
      `(?:tot|vui|nhe nhom|hanh phuc|song tot|de chiu|do kho) (?:zmore |hon )?(?:neu|khi) khong (?:con )?co ${alt(ME)}`,
      'khong (?:muon|thiet) o lai (?:nua|tren doi|the gioi)', 'lan cuoi (?:em|con|minh|toi) (?:nhan tin|noi chuyen|chao|viet)', '(?:day|se|chac) (?:la )?lan cuoi', 'khong ai can (?:em|minh|con|toi) (?:ca|nua)', 'muon di theo (?:ba|bo|me|ong|ba noi|ba ngoai) (?:[^ ]+ )?khong muon'),
    has('(?:want|wanna|going) to die', 'want to be dead', 'wish (?:i|id) (?:was|were|could be) dead', 'wish i (?:could )?(?:just )?die', 'wish i (?:had )?never (?:been|was) born', 'wish i wasnt born',
      'dont want to (?:live|be alive|exist|wake up|be here anymore|be here|go on)', 'no (?:point|reason) (?:in |to )?(?:living|live|going on|being alive)',
      'kill(?:ing)? myself', 'end (?:my life|it all|everything|my own life)', 'want (?:it |everything )?(?:all )?to (?:end|stop|be over)', 'ending it(?: all)?', 'end it(?! (?:with|now with))', 'suicid\\w*',
      'self harm(?:ing)?', '(?:hurt|hurting|harm|harming) myself', 'cut(?:ting)? (?:myself|my (?:arms?|wrists?|legs|thighs))', 'better off without me',
      '(?:nobody|no one) would (?:care|miss me|notice) if', 'if i was gone', 'when im gone', 'sleep and never wake up', 'never wake up',
      'disappear (?:forever|for good|from (?:this|the) world)', 'jump off (?:the|a) (?:bridge|roof|building)', 'take all (?:my|the) pills'),
  )],
  ['plan', 'serious', any(
    seq(3, alt('chuan bi', 'cat', 'giau', 'tich', 'de danh', 'mua'), `(?:san )?${alt(PILLS, 'dao lam', 'day thung', 'day')}`),
    has('(?:saved|saving|hid|hiding|bought) (?:up )?(?:pills|tablets|a rope|razors?)'),
  )],
  ['farewell', 'serious', any(
    has('vinh biet', 'tu biet', 'thu tu biet', 'lan cuoi (?:em|con|minh|toi) (?:nhan|noi|gap|viet|chao)', 'day la lan cuoi', 'khong (?:con )?lam phien ai nua', 'se khong (?:con )?lam phien'),
    all(has('tam biet', 'chao tam biet'), has('mai mai', 'vinh vien', 'xin loi', 'cam on (?:moi nguoi )?vi tat ca', 'khong gap lai', 'ganh nang', 'khong con', 'lan cuoi')),
    has('goodbye letter', 'suicide note', 'this is (?:my )?goodbye', 'my last (?:message|goodbye|day)', 'wont be (?:around|here) (?:tomorrow|anymore)'),
    all(has('goodbye', 'bye'), has('forever', 'thank you for everything', 'thanks for everything', 'sorry for everything', 'wont see')),
  )],
]);

export const DISTRESS_RULES: Rule[] = rules('distress', [
  ['lone_word', 'concern', (s) => DISTRESS_RE.test(s)],
]);
