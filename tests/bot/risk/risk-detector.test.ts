import { describe, it, expect } from 'vitest';
import { detectRisk, normalizeText, RISK_CATEGORIES, RULES, type RiskCategory } from '../../../bot/risk/risk-detector.js';

describe('normalizeText', () => {
  it.each([
    ['Em KHÔNG muốn sống nữa!!!', 'em khong muon song nua'],
    ['Đừng   đánh\tem...', 'dung danh em'],
    ['  Bố mẹ, đánh—em?  ', 'bo me danh em'],
    // Decomposed input (some keyboards) must fold the same way as precomposed input.
    ['tự tử'.normalize('NFD'), 'tu tu'],
    ['ĐƯỢC', 'duoc'],
  ])('folds %j to %j', (input, expected) => {
    expect(normalizeText(input)).toBe(expected);
  });
});

describe('detectRisk flags messages that need a counsellor', () => {
  it.each<[string, RiskCategory]>([
    // self-harm, also about a friend
    ['Em muốn chết', 'self_harm'],
    ['em ko muon song nua', 'self_harm'],
    ['k muon song nua that su', 'self_harm'],
    ['Em không muốn sống nữa', 'self_harm'],
    ['e mún chết quá', 'self_harm'],
    ['chan song qua roi', 'self_harm'],
    ['Em đang định tự tử', 'self_harm'],
    ['e dinh tu tu', 'self_harm'],
    ['em muon tu tu', 'self_harm'],
    ['Tối nay em sẽ tự tử', 'self_harm'],
    ['Tự sát là cách duy nhất', 'self_harm'],
    ['bạn em muốn tự tử, em phải làm sao', 'self_harm'],
    ['ban e muon tu tu roi', 'self_harm'],
    ['Tối qua em uống cả vỉ thuốc', 'self_harm'],
    ['em vua uong het vi thuoc ngu', 'self_harm'],
    ['em hay rạch tay lắm', 'self_harm'],
    ['buồn muốn chết', 'self_harm'],
    // violence
    ['bme danh em', 'violence'],
    ['Bố mẹ đánh em suốt', 'violence'],
    ['e bi bo danh bam tim nguoi', 'violence'],
    ['Em bị bạn cùng lớp đánh hội đồng', 'bullying'],
    ['Em bị bắt nạt ở trường', 'bullying'],
    ['Dượng hay đánh em bằng thắt lưng', 'violence'],
    ['em bị đánh rồi', 'violence'],
    ['Sáng em bị đánh thức rồi bị đánh', 'violence'],
    ['bị mẹ tát vào mặt', 'violence'],
    // locked in: danger now
    ['Em bị nhốt trong nhà vệ sinh', 'danger_now'],
    ['e bi nhot trong phong 2 ngay roi', 'danger_now'],
    ['họ trói tay em lại', 'danger_now'],
    // neglect
    ['Mẹ kế không cho em ăn', 'neglect'],
    ['Em bị bỏ đói', 'neglect'],
    ['e bi bo doi may ngay nay', 'neglect'],
    ['bố mẹ đi làm xa, bỏ em một mình', 'neglect'],
    // trafficking and child marriage
    ['Bố mẹ bắt em lấy chồng năm 15 tuổi', 'child_marriage'],
    ['nha em ep cuoi khi em moi 14 tuoi', 'child_marriage'],
    ['Chị em sắp bị tảo hôn', 'child_marriage'],
    ['Em bị bắt cóc', 'trafficking'],
    ['có người lạ dụ em lên xe', 'trafficking'],
    ['bạn em bị lừa sang Trung Quốc', 'trafficking'],
    // harm online
    ['Em bị dọa tung ảnh', 'online'],
    ['anh ta doa tung clip neu em khong gui tien', 'online'],
    ['Em lỡ gửi ảnh nóng cho người quen trên mạng', 'online'],
    ['bi lo anh nong roi', 'online'],
    ['nó đòi em gửi nude', 'online'],
    // sexual abuse
    ['Chú ấy sờ vào người em', 'sexual_abuse'],
    ['chu ay so vao nguoi em', 'sexual_abuse'],
    ['Em bị người lớn ép làm chuyện ấy', 'sexual_abuse'],
    ['em bi xam hai', 'sexual_abuse'],
    ['thầy giáo hay sờ mó em', 'sexual_abuse'],
    // exploitation
    ['Em bị ép làm việc không trả lương', 'exploitation'],
    ['bố bắt em nghỉ học đi làm', 'exploitation'],
    // danger now
    ['cứu em với', 'danger_now'],
    ['cuu voi', 'danger_now'],
    ['cuu e vs', 'danger_now'],
    ['help me pls', 'danger_now'],
    ['Bố dọa giết em', 'danger_now'],
    ['SOS!!!', 'danger_now'],
  ])('marks %j as %s', (text, category) => {
    expect(detectRisk(text).categories).toContain(category);
  });
});

describe('detectRisk leaves everyday messages alone', () => {
  it.each([
    'Từ từ thôi, em đang gõ',
    'tu tu roi tinh',
    'em se tu tu ke cho anh nghe',
    'Bài này khó chết đi được',
    'Hôm nay nóng chết',
    'Em mệt muốn chết',
    'Em đánh răng xong rồi',
    'Chiều nay em đi đánh cầu lông',
    'Em đang học đánh đàn piano',
    'Sáng nay em bị đánh thức lúc 5 giờ',
    'me danh thuc em day di hoc',
    'Em bị cô đánh giá thấp',
    'Ông đánh cờ với em cả chiều',
    'bố mẹ dành nhiều thời gian cho em',
    'Bố em là bộ đội',
    'Em bị sổ mũi',
    'Em bị nhọt ở chân',
    'Bạn em sang Trung Quốc du học',
    'Em muốn được tư vấn về học tập',
    'Em bị giảm điểm vì nộp muộn',
    'Anh ấy nóng tính lắm',
    'Em bật cười khi xem phim',
    'Bí danh của em là Mèo',
    'Điện thoại em đang bảo hành',
    'Mẹ không cho em ăn kẹo',
    'Em bị ép làm bài tập cả tối',
    'Em thích nghiên cứu với bạn',
    'Em sợ vào lớp muộn',
    'Bố mẹ không cho em ra ngoài chơi',
    'em quay rồi nhé',
    'Bạn em bị quay rồi, tới lượt em',
    'Da em bị mụn',
    'Em muốn hỏi về quyền trẻ em',
  ])('does not flag %j', (text) => {
    expect(detectRisk(text)).toEqual({ severity: null, urgent: false, categories: [], hits: [] });
  });
});

describe('detectRisk understands indirect disclosures, not only risk words', () => {
  it.each<[string, RiskCategory]>([
    ['chú hay bắt bạn ấy ngồi lên đùi rồi bảo không được kể với ai', 'sexual_abuse'],
    ['thầy giáo bắt em cởi áo', 'sexual_abuse'],
    ['my uncle makes me keep secrets about what he does in my room', 'sexual_abuse'],
    ['một anh quen trên mạng muốn gặp riêng em, dặn đừng nói với bố mẹ', 'online'],
    ['có chị hứa cho em việc lương cao bên Campuchia, bảo đi ngay tối nay', 'trafficking'],
    ['em mới 14 tuổi mà nhà bắt lấy chồng', 'child_marriage'],
    ['bố mẹ đi đâu mấy ngày rồi, em ở nhà một mình không có gì ăn', 'neglect'],
    ['em xin lỗi mọi người, từ mai em sẽ không làm phiền ai nữa', 'self_harm'],
    ['everyone would be better off without me', 'self_harm'],
    ['my stepdad hits me every night', 'violence'],
    ['i want to die', 'self_harm'],
  ])('finds %j (%s)', (text, category) => {
    expect(detectRisk(text).categories).toContain(category);
  });
});

describe('detectRisk severity', () => {
  it.each([
    ['bố đang cầm dao đòi giết mẹ', 'danger_now'],
    ['em vừa uống hết vỉ thuốc ngủ', 'danger_now'],
    ['họ khóa trái cửa nhốt em trong phòng', 'danger_now'],
    ['chú ấy sờ vào người em', 'serious'],
    ['em muốn chết', 'serious'],
    ['bố em say rượu là đánh em', 'serious'],
    ['em bị bắt nạt ở trường', 'concern'],
    ['people keep posting mean comments about me online', 'concern'],
  ])('rates %j as %s', (text, severity) => {
    expect(detectRisk(text).severity).toBe(severity);
  });

  it('marks danger now and serious as urgent, a concern as not urgent', () => {
    expect(detectRisk('cứu em với').urgent).toBe(true);
    expect(detectRisk('em muốn tự tử').urgent).toBe(true);
    expect(detectRisk('em bị bắt nạt').urgent).toBe(false);
  });
});

describe('detectRisk explains itself without the text', () => {
  it('names the category, severity and rule of every hit', () => {
    const result = detectRisk('thầy giáo bắt em cởi áo');
    expect(result.hits).toContainEqual({ category: 'sexual_abuse', severity: 'serious', rule: 'sexual_abuse.undressing' });
  });

  it('returns nothing of the text itself', () => {
    const result = detectRisk('Tên em là Lan, em muốn tự tử');
    expect(Object.keys(result).sort()).toEqual(['categories', 'hits', 'severity', 'urgent']);
    expect(JSON.stringify(result)).not.toMatch(/lan|tự tử|tu tu/i);
  });

  it('returns an empty result for empty text', () => {
    expect(detectRisk('   ')).toEqual({ severity: null, urgent: false, categories: [], hits: [] });
  });

  it('names every rule after its category, once', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) {
      expect(RISK_CATEGORIES).toContain(r.category);
      expect(r.id.startsWith(`${r.category}.`)).toBe(true);
    }
  });
});

/**
 * Harm by a family member is family violence, never bullying, even when the school, classmates
 * or a grade are named too (a walk-through saw "lớp 7" then "bố em hay đánh em" explained to
 * staff as "peers hurt"); harm by peers stays bullying.
 */
describe('detectRisk tells family violence from bullying', () => {
  it.each([
    'em học lớp 7, bố em hay đánh em',
    'lop 7 bo em hay danh em',
    'em lớp 9, mẹ kế hay đánh em',
    'em học lớp 8, bà nội hay đánh em',
    'ở trường các bạn hay trêu, về nhà chú em đánh em',
    'anh trai em đánh em ở trường',
    'ở trường về là bố đánh em',
    'my dad beats me up',
    'my stepdad pushes me around',
    'my brother hits me at school',
  ])('"%s" is violence, serious, and no bullying', (text) => {
    const r = detectRisk(text);
    expect(r.categories).toContain('violence');
    expect(r.categories).not.toContain('bullying');
    expect(r.severity).toBe('serious');
  });

  it.each(['bạn cùng lớp đánh em', 'các bạn ở trường đánh em', 'mấy bạn lớp bên hay đánh em', 'Em bị bắt nạt ở trường'])('"%s" stays bullying', (text) => {
    expect(detectRisk(text).categories).toEqual(['bullying']);
  });
});

/** Being shut in by someone at home is violence (isolation, Law on Children art. 4) as well as danger now. */
describe('detectRisk reads confinement by family as violence', () => {
  it.each([
    'mẹ kế em hay nhốt em trong nhà vệ sinh',
    'me ke em hay nhot em trong nha ve sinh',
    'em bị bố nhốt trong phòng cả ngày',
    'bố khóa em trong phòng',
    'chú em xích chân em lại',
    'my stepmom locks me in the bathroom',
    'my dad locked me in my room',
  ])('"%s" is danger now and violence', (text) => {
    const r = detectRisk(text);
    expect(r.severity).toBe('danger_now');
    expect(r.categories).toEqual(expect.arrayContaining(['danger_now', 'violence']));
  });

  it.each(['Mẹ nhốt con mèo trong bếp', 'bố nhốt gà vào chuồng', 'Mẹ khóa cửa lại rồi đi chợ'])('does not flag %j', (text) => {
    expect(detectRisk(text).categories).not.toContain('violence');
  });
});

/** Bleeding, a broken bone or fainting is an injury (115 first), not self-harm, unless self-harm words say so. */
describe('detectRisk reads an injury as an injury', () => {
  it.each([
    ['em bi chay mau nhieu lam', 'danger_now.injured'],
    ['em đang chảy máu', 'danger_now.injured'],
    ['em dang chay mau', 'danger_now.injured'],
    ['bạn em bất tỉnh rồi, gọi không dậy', 'danger_now.injured'],
    ['my friend is bleeding a lot and wont wake up', 'danger_now.injured'],
    ['bố đánh em chảy máu', 'violence.injured'],
    ['bo danh em gay tay', 'violence.injured'],
    ['mẹ kế đánh em gãy tay', 'violence.injured'],
    ['my dad hit me and im bleeding', 'violence.injured'],
  ])('"%s" fires %s and says nothing of self-harm', (text, rule) => {
    const r = detectRisk(text);
    expect(r.hits.map((h) => h.rule)).toContain(rule);
    expect(r.categories).not.toContain('self_harm');
  });

  it.each(['bố dọa đánh em gãy chân', 'em bị chảy máu cam, giờ hết rồi', 'em ngã xe đạp bị trầy chân'])('no injury rule fires for %j', (text) => {
    expect(detectRisk(text).hits.map((h) => h.rule)).not.toEqual(expect.arrayContaining([expect.stringMatching(/\.injured$/)]));
  });

  it('keeps self-harm and violence both when a beaten child says they do not want to live', () => {
    const r = detectRisk('e bi bo duong danh hoai, e k muon song nua');
    expect(r.categories).toEqual(expect.arrayContaining(['self_harm', 'violence']));
  });
});

/** A child who says they are hiding is told how to stay hidden (crisis mode's "hiding" line). */
describe('detectRisk hears a child hiding', () => {
  it.each(['bố đang đánh mẹ, em trốn trong tủ', 'bo dang danh me, e tron trong tu', 'em đang trốn', 'em đang trốn dưới gầm giường', 'I am hiding'])('%j is hiding in fear', (text) => {
    expect(detectRisk(text).hits.map((h) => h.rule)).toContain('danger_now.hiding_in_fear');
  });

  it.each(['em trốn trong tủ khi chơi trốn tìm', 'em đang trộn bột làm bánh', 'dang tron bot lam banh', 'em đang trốn học', 'em chơi trốn tìm với em trai'])('%j is not hiding', (text) => {
    expect(detectRisk(text).hits.map((h) => h.rule)).not.toContain('danger_now.hiding_in_fear');
  });
});
