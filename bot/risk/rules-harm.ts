/**
 * Rules for trafficking and its lures, child marriage, violence at home, bullying, neglect and
 * exploitation of a child's work.
 */
import {
  ADULT, ADULT_EN, alt, BIG_MONEY, FAMILY_EN, FAR, HIT, HIT_EN, INJURY, JOB, KIN, ME, NOW_LEAVE, OFFER, PEERS, SECRET,
} from './risk-lexicon.js';
import { all, any, has, not, rules, seq, type Rule } from './risk-match.js';


const ANIMALS = alt('cho', 'meo', 'ga', 'lon', 'heo', 'vit', 'ca', 'bo', 'trau', 'chim', 'tho', 'de');

export const TRAFFICKING_RULES: Rule[] = rules('trafficking', [
  ['being_taken', 'danger_now', any(
    seq(2, alt('bat coc', 'keo', 'loi', 'day', 'bat', 'dua', 'bi dua', 'ep', 'du', 'ru', 'lua'), `(?:${ME} )?len xe`),
    has('dang (?:dua|cho) (?:em|con|chau) (?:di|qua|sang|len)', 'sap bi (?:dua|zban|ban|cho) (?:di|sang|qua)', 'bi bat coc', 'bat coc (?:em|con|chau|ban em)'),
    seq(3, alt('taking', 'take', 'pull(?:ed|ing)?', 'drag(?:ged|ging)?', 'push(?:ed|ing)?', 'trying to take'), alt('me', 'us', 'her', 'him'), alt('across', 'away', 'into (?:a|the|his) (?:car|van|truck)', 'in a (?:car|van)', 'to')),
    has('kidnap(?:ped|ping)?', 'abduct(?:ed|ing)?'),
  )],
  ['said', 'serious', any(
    has('buon (?:z?ban )?nguoi', 'mua z?ban (?:nguoi|tre em)', 'bi lua zban', 'bi lua ban', 'lua zban', 'bi zban', 'zban (?:di|sang|qua)',
      `zban (?:${alt('em', 'chau', 'minh', 'toi', 'ban em', 'no', 'chi em', 'em gai')}|con(?! ${ANIMALS} (?!nguoi|ho)))(?: [^ ]+)? (?:cho|sang|qua|di|lay tien)`,
      `ban ${alt('em', 'con', 'chau')} (?:cho (?:nguoi|ho|bon|mot)|lay tien)`, 'bi ban (?:sang|qua|cho nguoi|di (?:xa|mat))', `mua ${alt('em be', 'tre', 'tre em', 'con')}(?! ${ANIMALS})`, 'traffick\\w*', 'sold (?:me|her|him|to|into|across)', 'was sold', 'be sold', '(?:sell|selling) (?:me|her|him|my sister|my brother|children|kids|babies)', 'buy(?:ing)? (?:a baby|babies|children)'),
  )],
  ['lure_abroad', 'serious', any(
    seq(3, alt('lua', 'du', 'dua', 'dan', 'ru', 'hua dua', 'chuyen', 'mang', 'bat', 'ep', 'keo'), alt('sang', 'qua', 'di', 'len', 'vao', 've'), alt('trung quoc', 'campuchia', 'lao', 'nuoc ngoai', 'bien gioi', 'ben kia', 'thai lan', 'malaysia')),
    seq(3, 'vuot', 'bien'),
    all(has(alt('qua', 'sang', 'to', 'across')), has('trung quoc', 'campuchia', 'lao', 'bien gioi', 'the border', 'another country'), has('nhieu tien', 'lay chong', 'lay vo', 'di cung', 'lots of money', 'with (?:him|her|them)', 'tonight', 'hua', 'dua', 'lua', 'promis\\w*')),
  )],
  ['job_lure', 'serious', any(
    all(has(OFFER, 'cho em', 'rủ', 'noi se', 'bao se', 'said', 'told me'), has(JOB), has(FAR, BIG_MONEY, SECRET, NOW_LEAVE)),
    all(has(JOB), has(BIG_MONEY), has(FAR, SECRET, NOW_LEAVE)),
    all(has(alt(JOB, 'di cung', 'leave with', 'go with')), has(NOW_LEAVE), has(SECRET, FAR, BIG_MONEY)),
  )],
  ['run_away_with_lover', 'serious', any(
    seq(4, alt('ru', 'bao', 'muon', 'doi', 'du'), alt('bo nha', 'bo tron', 'bo di', 'tron', 'di theo')),
    seq(3, 'run away', alt('with', 'to')),
  )],
  ['documents_kept', 'serious', all(
    has('(?:giu|lay|thu|cam|tich thu) (?:het )?(?:[^ ]+ )?(?:giay to|ho chieu|can cuoc|cccd|cmnd)', '(?:took|takes|keep|kept|keeps|has) (?:my|our|her) (?:passport|papers|documents|id)'),
    has('khong cho (?:ve|di|nghi)', 'khong duoc (?:ve|di)', 'wont let', 'dont let', 'cant leave', 'cant go'),
  )],
  ['missing_after_work', 'serious', all(has(JOB, 'di xa', 'lam xa', 'du'), has('mat lien lac', 'mat tich', 'khong lien lac duoc', 'bi zban', 'bi ban', 'disappeared', 'missing')),
  ],
]);

const MARRY = alt('lay chong', 'lay vo', 'zcuoi', 'cuoi (?:chong|vo)', 'ket hon', 'le hoi', 'an hoi', 'dam hoi', 'nha trai', 've nha chong', 'lam dau', 'lam vo', 'marry', 'married', 'marriage', 'wedding', 'wife', 'husband', 'engaged', 'bride');
const UNDER_AGE = alt('(?:1[0-7]|[7-9]) (?:tuoi|t)', 'muoi (?:ba|bon|lam|nam|sau|bay) tuoi', 'lop (?:[5-9]|1[0-1])', 'hoc lop (?:[5-9]|1[01])', '(?:im|shes|hes|she is|he is|only|just) (?:1[0-7]|[7-9])', '(?:1[0-7]|[7-9]) (?:years? old|yo)', 'grade (?:[5-9]|1[01])', 'mới lớn', 'con nho');

export const MARRIAGE_RULES: Rule[] = rules('child_marriage', [
  ['forced', 'serious', any(
    has('tao z?hon', 'bat vo', 'bi bat vo', 'bi zga', 'ep zga', 'zga (?:em|con|chau|ban ay|no|chi em|cho|sang|di)', 'zga ban', 'ep (?:[^ ]+ )?zcuoi', 'bat (?:[^ ]+ )?zcuoi', 'ep (?:cuoi|lay chong|lay vo|ket hon)', 'cuong ep ket hon', 'child (?:bride|marriage)'),
    seq(4, alt('ep', 'bat', 'cuong ep', 'phai', 'make', 'makes', 'making', 'made', 'forc\\w*', 'have to', 'has to', 'must', 'arranged', 'promised (?:me|her)'), alt(MARRY, 'get married', 'as a wife')),
    all(has(MARRY), has('ep', 'bat', 'cuong ep', 'phai (?:cuoi|lay)', 'nhan tien', 'tru no', 'lay chong som', 'forc\\w*', 'against my will', 'dont want to', 'promised')),
  )],
  ['under_age', 'serious', all(has(MARRY), has(UNDER_AGE, 'nghi hoc', 'bo hoc', 'leave school', 'quit school')),
  ],
]);

const HOME_ADULT = alt(KIN, 'thay', 'thay giao', 'co giao', 'nguoi lon', 'ong ay', 'chu ay', 'ba ay', 'duong');
const HOME_EN = alt('dad', 'father', 'mom', 'mother', 'stepdad', 'stepmom', 'parents', 'uncle', 'aunt', 'grandpa', 'grandma', 'teacher', 'he', 'she', 'brother', 'husband', 'his father', 'her father', 'family');

/** Being shut in: "nhốt" (not an animal), "khóa em trong", "xích", "trói", "giam". */
const CONFINE = alt(
  `z?nhot(?! (?:con |may con |chu )?${ANIMALS})`, `khoa ${alt(ME)} (?:trong|lai|vao)`, 'khoa trai', `xich ${alt('chan', 'tay', ME)}`,
  `troi ${alt('tay', 'chan', ME)}`, `giam ${alt(ME)}`, 'giam long',
);

/** An adult at home or a teacher hitting ("bố đánh em", "my dad hits me"). */
const ADULT_HITS = any(
  seq(5, HOME_ADULT, HIT),
  seq(2, 'bi', `${HOME_ADULT} (?:[^ ]+ )?${HIT}`),
  all(has(HOME_ADULT), has(`${HIT} ${ME}`, `bi ${HIT}`, INJURY)),
  all(has(HOME_EN), seq(3, HIT_EN, alt('me', 'us', 'her', 'him', 'my', 'mom', 'me and')), not(has('beat (?:me|us) (?:in|at)'))),
  all(has(HOME_EN), has('bruises?', 'burns?', 'black eye', 'scars?')),
  has('(?:gets?|got|been|getting) (?:beaten|hit|hurt|abused) by', 'beats? (?:me|us|her) up', 'domestic violence at home', 'hits me', 'beats me'),
);

/** Being beaten, by anyone ("bị đánh", "đánh đập", "bạo hành"), or the marks of it hidden. */
const BEATEN = any(
  has(`bi (?:[^ ]+ )?${HIT}`, `${HIT} (?:[^ ]+ )?${ME}(?! (?:nhau|be))`, 'danh dap', 'bao luc gia dinh', 'bi bao luc', 'zbaohanh', 'bi bao hanh', 'bao hanh (?:em|con|tre)', 'tra tan', 'hanh ha'),
  all(has(INJURY), has(HOME_ADULT, 'khap nguoi', 'toan (?:nguoi|vet|than)', 'giau', 'ao dai tay', 'all over', 'hide'), not(has('tap', 'ngã', 'nga', 'bong da', 'da bong', 'zfootball', 'football', 'te', 'vap', 'ong dot', 'muoi', 'fell', 'fall', 'sport'))),
);

/** A wound that needs a doctor: bleeding, a broken bone, out cold. Said with a beating, 115 comes first. */
const WOUND = alt('chay (?:nhieu )?mau', 'mat mau', 'zgay (?:[^ ]+ )?(?:tay|chan|xuong|mui|rang|suon)', 'gay (?:tay|chan|xuong|mui|rang|suon)', 'bat tinh', 'ngat xiu', 'bleeding', 'bled', 'broken (?:arm|leg|bone|nose|rib)s?', 'unconscious', 'passed out', 'knocked out');

export const VIOLENCE_RULES: Rule[] = rules('violence', [
  ['adult_hits', 'serious', ADULT_HITS],
  ['beaten', 'serious', BEATEN],
  // Hurt by a beating, not a threat of one ("bố dọa đánh em gãy chân"): the ambulance number leads in crisis mode.
  ['injured', 'serious', all(has(WOUND), any(ADULT_HITS, BEATEN), not(has('doa', 'se', 'neu', 'threaten\\w*', 'will', 'if')))],
  // Locked in, chained or tied up by someone at home: isolation is violence (Law on Children art. 4).
  ['confined', 'serious', any(
    seq(5, HOME_ADULT, CONFINE),
    all(has(FAMILY_EN, HOME_EN), has('locked (?:me|us|her|him) (?:in|up|inside)(?!to)', 'locks? (?:me|us|her|him) (?:in|up)', 'chain(?:s|ed)? (?:me|us|her|him)', 'ties? (?:me|us) up', 'tied (?:me|us) up', 'wont let (?:me|us) out')),
  )],
  ['thrown_out', 'serious', has('duoi (?:[^ ]+ )?ra (?:khoi nha|duong)', 'duoi (?:[^ ]+ )?di', 'kick(?:ed|s)? me out', 'threw me out', 'locked me out of (?:the )?house')],
  ['punishment', 'serious', has('bat quy', 'phat quy', 'bat (?:em|con) quy', 'phat (?:[^ ]+ )?(?:dung|quy) (?:duoi nang|ca tiet|ca dem|ca ngay|ngoai troi)', 'nhot (?:[^ ]+ )?ngoai', 'khong cho (?:[^ ]+ )?ngu')],
  ['insults', 'concern', any(
    all(has('chui', 'si nhuc', 'nhuc ma', 'lang ma', 'mang', 'xuc pham', 'goi (?:em|con) la', 'bao (?:em|con) la', 'noi (?:em|con) la'), has('do ngu', 'vo dung', 'an hai', 'do bo di', 'oc cho', 'do mat day', 'suot ngay', 'hang ngay', 'moi ngay', 'truoc mat', 'khong phai con', 'chui rua', 'chui boi', 'lang ma', 'si nhuc', 'nhuc ma')),
    has('chui rua', 'chui boi', 'si nhuc', 'nhuc ma', 'lang ma'),
    has('calls? me (?:worthless|stupid|useless|ugly|names|a failure|fat|dumb)', '(?:screams?|yells?|shouts?) at me (?:every|all|and)', 'breaks? my things', 'says im worthless', 'call me stupid'),
    seq(3, alt('doa', 'se'), 'duoi', alt(ME, 'ra')),
  )],
  ['fear_at_home', 'serious', all(
    has('so', 'scared', 'afraid', 'terrified', 'khong (?:zdare|dam) (?:ve|ngu)'),
    has(alt(KIN, 'he', 'dad', 'stepdad', 'uncle', 'mom', 'father')),
    has('dem', 'ban dem', 'toi nay', 'dem nay', 'toi nao', 'dem nao', 've nha', 'say ruou', 'at night', 'tonight', 'comes home', 'drunk', 'go home', 'hurts'),
    not(has('ma', 'phim', 'bong toi', 'sam', 'bao', 'the dark', 'ghosts?', 'movie', 'kiem tra', 'thi', 'exam', 'diem')),
  )],
]);

/** A family member doing the harm ("bố em hay đánh em", "mẹ kế đánh em", "my dad beats me up"). */
const FAMILY_HARM = any(seq(5, KIN, HIT), seq(2, 'bi', `${KIN} (?:[^ ]+ )?${HIT}`), seq(3, FAMILY_EN, alt(HIT_EN, 'beats? (?:me|us) up', 'push(?:es|ed)? me')));
/**
 * Peers doing it: a peer word right before the harm ("bạn cùng lớp đánh em"). A grade is no peer
 * ("em học lớp 7, bố em hay đánh em" is family violence, not bullying).
 */
const PEER_HARM = seq(2, PEERS, alt(HIT, 'beat', 'hit', 'push', 'kick', 'punch'));
/** Family violence said with words that also read as bullying: the case is family violence unless peers harm too. */
const ONLY_FAMILY = all(FAMILY_HARM, not(PEER_HARM));

export const BULLYING_RULES: Rule[] = rules('bullying', [
  ['said', 'concern', all(not(ONLY_FAMILY), has(
    'bat nat', 'bao luc hoc duong', 'danh hoi dong', 'tran lot', 'tran tien', 'bi co lap', 'co lap', 'tay chay', 'bi tay chay', 'che gieu',
    'choc gheo', 'bull(?:y|ied|ies|ying)\\w*', 'beat (?:me )?up', 'beaten up', 'push(?:es|ed)? me(?: around)?', 'spit on me', 'take my (?:lunch )?money',
    'laugh(?:s|ed)? at me', 'make fun of me', 'makes fun of', 'make fun of', 'call me names', 'threatened to beat', 'gang up on', 'ganged up',
    '(?:nobody|no one) (?:in my class )?(?:talks|plays|sits|speaks) (?:to|with) me', 'take my things', 'took my (?:phone|bag|things)',
    'doi (?:tien|danh)', 'chan duong', 'dan mat', 'de doa (?:em|minh|con)', 'bi (?:[^ ]+ )?de doa',
  ))],
  ['peers_hurt', 'concern', all(has(PEERS), not(ONLY_FAMILY), any(has(HIT, `bi ${HIT}`, 'giat', 'giau (?:cap|do|sach)', 'nem (?:sach|cap|do)', 'do nuoc', 'khoa (?:em|minh) trong', 'danh', 'xe (?:vo|sach)', 'tranh', 'goi (?:em|minh) la', 'dat biet danh', 'cuoi nhao'),
    seq(3, alt('khong ai|chang ai|khong co ai'), alt('choi', 'noi chuyen', 'ngoi'), alt('voi|cung'), alt(ME)))),
  ],
]);

const HUNGRY = alt('zdoi', 'doi (?:lam|qua|bung|meo)', 'nhin z?doi', 'zbodoi', 'bi bo doi', 'bo doi (?:em|con|chau)', 'hungry', 'starving');

export const NEGLECT_RULES: Rule[] = rules('neglect', [
  ['no_food', 'serious', any(
    all(has(HUNGRY, 'an'), has('may ngay', 'ca ngay', 'tu hom', 'hai ngay', 'ba ngay', '[2-9] ngay', 'khong co (?:gi|do|com|thuc an)', 'het (?:gao|do an|thuc an|tien)', 'chua (?:duoc )?an', 'khong (?:duoc )?an', 'for days', 'all the time', 'since')),
    all(has(HUNGRY), has('bo di', 'di dau', 'khong ai', 'bo roi', 'bo mac', 'khong ve', 'gone', 'left', 'nobody')),
    has('zbodoi', 'bi bo doi', 'bo doi (?:em|con|chau)', 'bat nhin z?doi', 'khong co (?:gi|do|com|thuc an) (?:de )?an', 'het (?:gao|do an|thuc an|tien an)', '(?:chua|khong) (?:duoc )?an (?:gi )?(?:tu|may|ca|hai|2|ba|3)',
      `(?:khong cho|cam|bat nhin) (?:${ME} )?an(?! (?:keo|kem|vat|qua|snack|bim|do ngot|do an vat|ngoai|dem|khuya|mi tom|xuc xich|ga ran|lau|cay|socola|banh|qq|rau))`,
      'havent eaten', 'have not eaten', 'hasnt eaten', 'no food', 'nothing to eat', 'without food', '(?:days|day) without eating', 'hungry for days', 'starv(?:ed|ing) for'),
  )],
  ['left_alone', 'serious', any(
    all(has('mot minh', '1 minh', 'alone'), has('may ngay', 'ca tuan', 'nhieu ngay', 'tu (?:hom|thu)', 'qua dem', 'khong ai (?:ve|cham)', 'chua ve', 'khong ve', 'a week', 'for days', 'all day', 'all week', 'since', 'every day', 'ca ngay'), not(has('mot tieng', 'an hour', 'until', 'cho me', 'hoc'))),
    has(`bo ${alt(ME)} (?:o nha )?(?:mot minh|1 minh)`, 'bi bo (?:o nha )?(?:mot minh|1 minh)', 'bo roi', 'bi bo roi', 'bo mac', 'bi bo mac', 'abandon\\w*', 'left me (?:home )?alone for'),
    seq(4, alt('me', 'bo', 'bo me', 'ba', 'mom', 'dad', 'parents'), alt('bo di', 'di', 'left', 'hasnt', 'has not', 'havent'), alt('[2-9] ngay', 'hai ngay', 'ba ngay', 'may ngay', 'chua ve', 'khong ve', 'come home', 'come back', 'been home', 'days')),
    has('ngu ngoai duong', 'song ngoai duong', 'lang thang', 'khong co (?:nha|cho ngu|cho o)', 'live alone', 'i live on the street'),
  )],
  ['no_care', 'concern', any(
    has('khong ai (?:cham soc|nuoi|lo cho|nau com|quan tam|ngo ngang|dua di)', 'khong (?:ai )?(?:dua|cho) (?:[^ ]+ )?di (?:kham|vien|benh vien|bac si)', 'khong cho (?:[^ ]+ )?di hoc',
      `${alt(KIN, 'gia dinh', 'nha')} (?:[^ ]+ )?(?:khong|chang) (?:he )?quan tam`,
      '(?:nobody|no one) (?:takes care of|feeds|looks after|cares|notices|cooks)', '(?:dont|doesnt|never) take me to (?:the )?(?:doctor|hospital|school)', 'wont let me go to school'),
  )],
]);

export const EXPLOITATION_RULES: Rule[] = rules('exploitation', [
  ['forced_work', 'serious', any(
    has('boc lot', 'lao dong cuong buc', `(?:bat|ep) (?:${ME} )?(?:phai )?(?:di lam|lam viec|lam thue|lam cong|nghi hoc|di ban|ban ve so|di an xin|an xin|di ban hang|ban hang rong|phu ho|giao (?:hang|ma tuy)|lam tiep vien|di giao|tiep khach)`,
      'khong (?:duoc )?tra (?:luong|tien|tien cong)', 'giu (?:het )?(?:luong|tien)', 'lam (?:tu sang (?:den|toi) (?:toi|dem|khuya)|quan quat|den nua dem|ca dem|den khuya)',
      '(?:nghi hoc|bo hoc|thay vi di hoc) (?:de )?(?:di )?lam', 'phai (?:di )?(?:ban ve so|an xin|ban hang rong|lam thue|phu ho|lam (?:o|trong) (?:xuong|lo|mo|cong truong))', 'lo gach', 'giao ma tuy', 'lay het tien (?:em|con)',
      '(?:karaoke|quan bar|massage|quan nhau) (?:[^ ]+ )?(?:lam|tiep)', 'lam tiep vien (?:karaoke|quan)'),
    all(has(UNDER_AGE, 'tre em', 'tre con'), has('phu ho', 'lam thue', 'xuong', 'lo gach', 'cong truong', 'ca ngay', 'factory', 'mine', 'construction', 'hours a day')),
    seq(3, alt('have to', 'has to', 'forced to', 'made to', 'makes? (?:me|us)', 'made (?:me|us)', 'make (?:me|us)'), alt('work', 'beg', 'sell', 'deliver')),
    has('work(?:ing)? (?:[^ ]+ )?instead of (?:going to )?school', '(?:doesnt|dont|wont|never) pay (?:me|us)', 'not paid', 'unpaid', 'keeps? my (?:money|wages|pay)', 'takes? (?:the|my|all my) money',
      'beg(?:ging)? on the street', '(?:twelve|12|ten|10|14|fourteen) hours a day', 'work (?:all|every) night', 'all night and', 'child labou?r'),
  )],
]);
