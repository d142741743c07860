import { describe, it, expect } from 'vitest';
import {
  detectRisk,
  normalizeText,
  RISK_CATEGORIES,
  RISK_PHRASES,
  URGENT_CATEGORIES,
  type RiskCategory,
} from '../../../bot/risk/risk-detector.js';

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
    ['Em bị bạn cùng lớp đánh hội đồng', 'violence'],
    ['Em bị bắt nạt ở trường', 'violence'],
    ['Dượng hay đánh em bằng thắt lưng', 'violence'],
    ['em bị đánh rồi', 'violence'],
    ['Sáng em bị đánh thức rồi bị đánh', 'violence'],
    ['bị mẹ tát vào mặt', 'violence'],
    // confinement
    ['Em bị nhốt trong nhà vệ sinh', 'confinement'],
    ['e bi nhot trong phong 2 ngay roi', 'confinement'],
    ['họ trói tay em lại', 'confinement'],
    // neglect
    ['Mẹ kế không cho em ăn', 'neglect'],
    ['Em bị bỏ đói', 'neglect'],
    ['e bi bo doi may ngay nay', 'neglect'],
    ['bố mẹ đi làm xa, bỏ em một mình', 'neglect'],
    // trafficking and forced marriage
    ['Bố mẹ bắt em lấy chồng năm 15 tuổi', 'trafficking'],
    ['nha em ep cuoi khi em moi 14 tuoi', 'trafficking'],
    ['Chị em sắp bị tảo hôn', 'trafficking'],
    ['Em bị bắt cóc', 'trafficking'],
    ['có người lạ dụ em lên xe', 'trafficking'],
    ['bạn em bị lừa sang Trung Quốc', 'trafficking'],
    // online sexual harm
    ['Em bị dọa tung ảnh', 'online_sexual'],
    ['anh ta doa tung clip neu em khong gui tien', 'online_sexual'],
    ['Em lỡ gửi ảnh nóng cho người quen trên mạng', 'online_sexual'],
    ['bi lo anh nong roi', 'online_sexual'],
    ['nó đòi em gửi nude', 'online_sexual'],
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
    expect(detectRisk(text)).toEqual({ urgent: false, categories: [] });
  });
});

describe('detectRisk urgency and privacy', () => {
  it('marks self-harm as urgent', () => {
    expect(detectRisk('em ko muon song nua').urgent).toBe(true);
  });

  it('marks violence at home as urgent, as PRODUCT.md asks', () => {
    expect(detectRisk('bố mẹ đánh em')).toEqual({ urgent: true, categories: ['violence'] });
  });

  it('makes violence urgent when a threat to kill comes with it', () => {
    expect(detectRisk('bố đánh em rồi dọa giết em')).toEqual({
      urgent: true,
      categories: ['danger_now', 'violence'],
    });
  });

  it('reports several categories in a fixed order', () => {
    expect(detectRisk('cứu em với, chú ấy sờ vào người em rồi nhốt em trong phòng').categories)
      .toEqual(['danger_now', 'sexual_abuse', 'confinement']);
  });

  it('returns nothing of the text itself', () => {
    const result = detectRisk('Tên em là Lan, em muốn tự tử');
    expect(Object.keys(result).sort()).toEqual(['categories', 'urgent']);
    expect(JSON.stringify(result)).not.toMatch(/lan|tự tử|tu tu/i);
  });

  it('returns an empty result for empty text', () => {
    expect(detectRisk('   ')).toEqual({ urgent: false, categories: [] });
  });

  it('has phrases for every category and knows every urgent category', () => {
    for (const category of RISK_CATEGORIES) {
      expect(RISK_PHRASES[category].length).toBeGreaterThan(0);
    }
    for (const category of URGENT_CATEGORIES) expect(RISK_CATEGORIES).toContain(category);
  });
});
