/**
 * Rules for sexual abuse and grooming, offline and online. Children rarely use the legal words:
 * most rules combine who (an adult, a relative, someone met online) with what (touching,
 * undressing, photos, a private meeting, gifts, secrets, night, the bedroom).
 */
import {
  ADULT, ADULT_EN, alt, BODY, GIFT, IMAGE, INTIMATE, ME, ME_EN, MEET_PRIVATE, NIGHT, ONLINE, SECRET, TOUCH, UNDRESS,
} from './risk-lexicon.js';
import { all, any, has, not, rules, seq, type Rule } from './risk-match.js';

const FORCE = alt('bat', 'ep', 'doi', 'bao', 'keo', 'yeu cau', 'du', 'ga', 'cuong ep', 'make', 'makes', 'made', 'forced?', 'forces', 'asked', 'asks', 'wants', 'told');
const ROOM = alt('vao phong', 'sang phong', 'vao buong', 'len giuong', 'sang giuong', 'nam canh', 'ngu chung', 'chui vao chan', 'vao giuong', 'nam cung', 'vao nha tam', 'phong kin');
const EN_BODY = alt('private(?: parts)?', 'privates', 'breasts?', 'chest', 'butt', 'bum', 'bottom', 'crotch', 'genitals', 'down there', 'legs?', 'thighs?', 'between my legs', 'under my (?:clothes|shirt|skirt|dress)');
const EN_TOUCH = alt('touch(?:es|ed|ing)?', 'feels?', 'grab(?:s|bed)?', 'rubs?', 'rubbed', 'fondl(?:e|es|ed)', 'grop(?:e|es|ed)');

export const SEXUAL_RULES: Rule[] = rules('sexual_abuse', [
  ['said', 'serious', has(
    'xam hai', 'bi xam pham', 'zdamo', 'bi dam o', 'hiep (?:dam|em|con)', 'bi hiep', 'cuong (?:hiep|dam|buc)', 'ga (?:gam|tinh|quan he)',
    '(?:ep|bat|cuong ep) (?:[^ ]+ )?quan he', 'lam chuyen (?:ay|do|nguoi lon|kia)', 'lam dung tinh duc', 'bi lam dung', 'au dam',
    'z?so mo', 'z?so soang', 'zquayroi', 'quay roi tinh duc', 'loan luan', 'bien thai', 'ep z?hon', 'cuong z?hon', 'lam dung (?:con|chau|em|tre|be)',
    'rap(?:e|ed|ing)', 'molest(?:ed|ing|s|er)?', 'sexual(?:ly)? (?:abuse|abused|assault|assaulted|harass(?:ed|ment)?|touch)',
    'grop(?:e|ed|es|ing)', 'pedo(?:phile)?', 'incest', 'sex with me', 'have sex', 'touched inappropriately', 'inappropriate(?:ly)? touch\\w*',
  )],
  ['adult_touch', 'serious', any(
    all(has(ADULT, `${ME} (?:bi|dang bi)`, 'bi'), has(TOUCH)),
    seq(6, ADULT, alt(TOUCH, 'so', 'cham', 'bop', 'mo'), `(?:[^ ]+ )?${BODY}`),
    all(has(ADULT_EN, ME_EN), seq(3, EN_TOUCH, alt('me', 'my'), `(?:${EN_BODY}|inappropriately|there|in places|when)`)),
    all(has(ADULT_EN), seq(2, EN_TOUCH, alt('me', 'her', 'him', 'my (?:daughter|son|sister|brother)'))),
    seq(3, EN_TOUCH, `my ${EN_BODY}`),
    seq(3, 'touch(?:es|ed|ing)? me', 'in places'),
  )],
  ['undressing', 'serious', any(
    seq(3, FORCE, UNDRESS),
    seq(3, alt('make', 'makes', 'made', 'forced', 'wants', 'told', 'asked'), alt('me', 'her', 'him'), alt('undress', 'take off (?:my|her|his) clothes', 'strip', 'get naked', 'be naked')),
    seq(4, alt('chup', 'quay', 'took', 'takes', 'taking', 'filmed'), alt('luc', 'khi', 'of me', 'while'), alt('tam', 'thay do', 'ngu', 'khong mac', 'naked', 'in the shower', 'undress', 'changing', 'showering')),
  )],
  ['porn_shown', 'serious', any(
    seq(3, alt('cho', 'bat', 'ep', 'ru'), `(?:${ME} )?xem`, alt('phim', 'anh', 'clip', 'video', 'hinh'), alt('sex', 'nguoi lon', 'khieu dam', 'nong', 'jav', 'khoa than', 'nude', 'do truy', 'sec')),
    has('porn\\w*', 'videos? of naked', 'naked (?:people|pics|videos)', 'dirty (?:videos|pics)'),
  )],
  ['night_bedroom', 'serious', any(
    all(seq(6, ADULT, ROOM), has(NIGHT, 'hay', 'nao cung', 'luon', 'khi (?:em|con) ngu', 'luc (?:em|con) ngu')),
    seq(4, alt('comes?', 'came', 'gets?', 'got', 'sneaks?', 'climbs?', 'crawls?'), alt('into', 'in'), alt('my bed', 'my room', 'bed with me')),
    seq(2, alt('sleeps?', 'lies', 'lays'), alt('in my bed', 'next to me', 'with me at night')),
  )],
  ['secret_with_adult', 'serious', any(
    all(has(SECRET), has(ADULT, ADULT_EN), has(GIFT, TOUCH, UNDRESS, ROOM, 'ngoi (?:len|vao) (?:dui|long)', 'om', 'zom', 'zhon', 'hon', 'mot minh', 'rieng', 'phong', 'buong', 'lap', 'alone', 'bed', 'room', 'touch\\w*', 'kiss\\w*', 'hug\\w*', 'sit on')),
    has(`bi mat (?:cua )?(?:hai|2) ${alt('chu chau', 'bac chau', 'ong chau', 'thay tro', 'anh em', 'chu', 'bac', 'ong', 'dua')}`, 'our (?:little )?secret'),
  )],
  ['lap_kiss_alone', 'serious', any(
    seq(3, FORCE, 'ngoi (?:len|vao) (?:dui|long)'),
    all(has('ngoi (?:len|vao) (?:dui|long)'), has(SECRET, 'mot minh', 'rieng', 'khong thich', 'so')),
    all(has('zhon', 'hon (?:em|con|chau|vao|len moi|moi)', 'z?om z?hon', 'zom', 'om (?:em|chat)'), has('khi khong co ai', 'luc khong co ai', 'mot minh', 'khong thich', 'bat', 'ep', 'doi', SECRET, 'vao moi', 'vao co')),
    seq(3, alt('makes?', 'made'), 'me', alt('sit on (?:his|her) lap', 'kiss', 'touch (?:him|her|it)')),
    seq(4, FORCE, alt('hon', 'zhon'), alt('chu', 'ong', 'bac', 'thay', 'anh', 'han')),
    all(seq(5, ADULT, alt('bat', 'giu'), `${alt(ME)} (?:o lai|mot minh)`), has('khoa cua', 'dong cua', 'tat den', 'mot minh')),
  )],
  ['private_place', 'serious', any(
    seq(3, alt('dua', 'dan', 'ru', 'ga', 'keo', 'bat', 'hen', 'loi'), alt('nha nghi', 'khach san', 'phong kin', 'buong', 'phong rieng')),
    seq(4, alt(GIFT, 'cho tien', 'gives? me money'), alt('vao buong', 'vao phong', 'di rieng', 'ngoi len dui', 'touch', 'to touch')),
    seq(3, alt('doi', 'bat', 'hay doi', 'muon'), 'tam (?:cho|chung|cung)', alt(ME)),
  )],
  ['asked_for_acts', 'serious', any(
    seq(3, alt('asked', 'asks', 'made', 'makes', 'wants'), alt('me', 'her', 'him'), alt('to do (?:things|stuff|sexual)', 'do things', 'touch (?:him|her|it)', 'to touch (?:him|her|it)')),
    has('does things to me', 'did things to me', 'do things to me'),
  )],
]);

const THREATEN = alt('doa', 'de doa', 'neu', 'khong thi', 'tong tien', 'doi tien', 'bat', 'ep', 'threaten\\w*', 'blackmail\\w*', 'unless', 'if i dont', 'or else', 'will post', 'will send', 'hell post', 'hell send');

export const ONLINE_RULES: Rule[] = rules('online', [
  ['sextortion', 'serious', any(
    all(seq(4, alt('tung', 'phat tan', 'dang', 'gui', 'chia se', 'share', 'post', 'leak', 'send', 'public'), alt(IMAGE, 'anh cua em', 'hinh cua em')), has(THREATEN)),
    has('(?:doa|de doa) (?:[^ ]+ )?(?:tung|phat tan|dang|gui) anh'),
    seq(3, alt('tong tien', 'blackmail\\w*', 'sextort\\w*'), alt(IMAGE, 'bang', 'with', 'me')),
    has('blackmail\\w*', 'sextort\\w*', 'leak my (?:nudes|pics|videos?)', 'post(?:ed)? my (?:private|nude)', 'dang anh rieng tu', 'anh rieng tu'),
  )],
  ['intimate_images', 'serious', any(
    seq(2, IMAGE, INTIMATE),
    has(`anh ${INTIMATE}`),
    seq(3, alt('gui', 'xin', 'doi', 'bat', 'ep', 'ga', 'chup', 'send', 'asked for', 'asking for', 'wants', 'keeps asking for', 'lo', 'bi lo', 'tung'), alt('anh nong', 'nude', 'nudes', `${IMAGE} ${INTIMATE}`, 'show hang')),
    has('nudes?', 'ảnh nóng', 'anh nong', 'show hang', 'quay len', 'chup len', 'bi quay len', 'bi chup len', 'call (?:video )?sex', 'chat sex', 'nhan tin sex'),
    seq(4, alt('call', 'goi video', 'video call', 'livestream', 'quay', 'webcam', 'live'), alt(UNDRESS, 'z?coi do', 'z?coi ao', 'naked', 'without clothes')),
    seq(3, alt('keeps? asking', 'asks?', 'asked', 'wants?'), alt('for', 'me for', 'me to send'), alt('pics', 'more pics', 'videos?')),
  )],
  ['grooming_meet', 'serious', any(
    all(has(ONLINE, 'quen', 'met (?:him|her)?(?: on| in| online)', 'met online', 'online friend'), has(MEET_PRIVATE, 'gap', 'meet', 'come to'), has(SECRET, 'rieng', 'mot minh', 'nha nghi', 'khach san', 'yeu em', 'alone', 'his house', 'not tell', 'dont tell', 'love', 'hotel', 'pick me up', 'gap em')),
    all(has(ONLINE), has(GIFT, 'tien', 'hua'), has(`(?:gui|send|chup) ${IMAGE}`, 'gap', 'meet')),
    all(has(ONLINE, 'older guy', 'older man'), has('yeu em', 'loves? me', 'boyfriend', 'girlfriend'), has(IMAGE, 'gap', 'meet', 'nha nghi', 'body')),
  )],
  ['harassment', 'concern', any(
    all(has(ONLINE, 'binh luan', 'comment\\w*', 'nhan tin', 'tin nhan', 'inbox', 'messages?', 'posting', 'posted', 'shared'), has('chui', 'xuc pham', 'de doa', 'doa', 'che gieu', 'bat nat', 'noi xau', 'bia dat', 'body shame', 'hateful', 'mean', 'harass\\w*', 'threat\\w*', 'embarrassing', 'humiliat\\w*', 'nasty', 'an ui')),
    has(`(?:gia mao|mao danh|gia lam) ${alt(ME)}`, 'pretending to be me', 'fake (?:account|profile) (?:of|pretending to be|with) me', 'impersonat\\w* me', 'cyberbull\\w*', 'harass(?:ed|ing)? (?:me )?online', 'bi khung bo tin nhan'),
    all(seq(5, alt('quay', 'chup', 'dang'), alt('clip', 'video', 'anh', 'hinh'), alt(ME)), has('che gieu', 'cuoi', 'beu reu', 'lam tro cuoi', 'chui', 'noi xau')),
    has('lap (?:nhom|group) (?:chat )?(?:de|chi de)? ?(?:chui|noi xau|che gieu)', '(?:nhom|group) (?:[^ ]+ )?(?:de|chi de) (?:chui|noi xau|che gieu)'),
  )],
]);
