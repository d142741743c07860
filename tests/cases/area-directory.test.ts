import { describe, expect, it } from 'vitest';
import { canonicalArea } from '../../cases/area-backfill.js';
import { AreaDirectory, areaId, shortAreaName } from '../../cases/area-directory.js';
import defaultAreas from '../../cases/areas.default.json' with { type: 'json' };

const HN = 'Hà Nội';
const HCM = 'Thành phố Hồ Chí Minh';
/** The shipped list, with the communes an admin would load for Hà Nội. */
const areas = new AreaDirectory({
  provinces: defaultAreas.provinces.map((p) => (p.name === HN ? { ...p, communes: ['Phường Cầu Giấy', 'Phường Ba Đình', 'Xã Sóc Sơn'] } : p)),
});

describe('a province typed by a child, matched to the area list', () => {
  it.each([
    ['hanoi', HN],
    ['ha noi', HN],
    ['Hà Nội', HN],
    ['HN', HN],
    ['thủ đô', HN],
    ['TP. Hà Nội', HN],
    ['em ở Hà Nội ạ', HN],
    ['mình đang sống ở hà nội nha', HN],
    ['tp hcm', HCM],
    ['TP.HCM', HCM],
    ['sài gòn', HCM],
    ['Sai Gon', HCM],
    ['thành phố hồ chí minh', HCM],
    ['hochiminh', HCM],
    ['Huế', 'Huế'],
    ['thua thien hue', 'Huế'],
    ['tỉnh Nghệ An', 'Nghệ An'],
    ['nghean', 'Nghệ An'],
    ['Đắk Lắk', 'Đắk Lắk'],
    ['daklak', 'Đắk Lắk'],
    // Provinces merged in 2025 reach the unit they belong to now.
    ['Quảng Nam', 'Đà Nẵng'],
    ['ha nam', 'Ninh Bình'],
    ['Bình Dương', HCM],
    ['Kon Tum', 'Quảng Ngãi'],
    // Main cities and towns, with or without diacritics, reach their province.
    ['buon ma thuot', 'Đắk Lắk'],
    ['Buôn Ma Thuột', 'Đắk Lắk'],
    ['buonmethuot', 'Đắk Lắk'],
    ['BMT', 'Đắk Lắk'],
    ['tuy hoa', 'Đắk Lắk'],
    ['bien hoa', 'Đồng Nai'],
    ['thu dau mot', HCM],
    ['thu duc', HCM],
    ['ha long', 'Quảng Ninh'],
    ['vinh', 'Nghệ An'],
    ['quy nhon', 'Gia Lai'],
    ['pleiku', 'Gia Lai'],
    ['phan thiet', 'Lâm Đồng'],
    ['da lat', 'Lâm Đồng'],
    ['nha trang', 'Khánh Hòa'],
    ['hoi an', 'Đà Nẵng'],
    ['viet tri', 'Phú Thọ'],
    ['my tho', 'Đồng Tháp'],
    ['long xuyen', 'An Giang'],
    ['rach gia', 'An Giang'],
    ['dong hoi', 'Quảng Trị'],
    ['sa pa', 'Lào Cai'],
    ['ha dong', HN],
  ])('"%s" is %s', (typed, name) => {
    expect(areas.matchProvince(typed)).toBe(name);
  });

  it.each([
    ['a part of a name', 'ha'],
    ['another part', 'noi'],
    ['a spelling mistake (never guessed)', 'ha noii'],
    ['a district, not a province', 'quận 7'],
    ['a story that names a province', 'bố em đánh em ở nhà tại hà nội'],
    ['a short story that names a province', 'em bị đánh ở hà nội'],
    ['"thành phố" alone', 'thành phố'],
    ['"tỉnh" alone', 'tỉnh'],
    ['a number', '12'],
    ['a town\'s name inside a story', 'em bị đánh ở biên hòa'],
    ['"đi ăn" (go and eat), which folds like Dĩ An', 'đi ăn'],
    ['nothing', '  '],
  ])('%s ("%s") is no province', (_why, typed) => {
    expect(areas.matchProvince(typed)).toBeNull();
  });

  it("prefers a province's own name over another's alias (an admin who lists Ninh Thuận again)", () => {
    const list = new AreaDirectory({ provinces: [...defaultAreas.provinces, { name: 'Ninh Thuận', aliases: [] }] });
    expect(list.matchProvince('ninh thuan')).toBe('Ninh Thuận');
    expect(areas.matchProvince('ninh thuan')).toBe('Khánh Hòa');
  });
});

describe('a commune typed by a child, matched to its province in the area list', () => {
  it.each([
    ['phuong cau giay', 'Phường Cầu Giấy'],
    ['Cầu Giấy', 'Phường Cầu Giấy'],
    ['P. Cầu Giấy', 'Phường Cầu Giấy'],
    ['em ở phường ba đình ạ', 'Phường Ba Đình'],
    ['xa soc son', 'Xã Sóc Sơn'],
  ])('"%s" is %s', (typed, name) => {
    expect(areas.matchCommune(HN, typed)).toBe(name);
  });

  it('finds nothing in another province, without a province, or for a near miss', () => {
    expect(areas.matchCommune('Huế', 'phuong cau giay')).toBeNull();
    expect(areas.matchCommune(null, 'phuong cau giay')).toBeNull();
    expect(areas.matchCommune(HN, 'phuong cau')).toBeNull();
    expect(areas.matchCommune(HN, 'phường')).toBeNull();
  });
});

describe('a stored place, as the area list names it', () => {
  it('gives the list names for typed places, and nothing for places already named or unknown', () => {
    expect(canonicalArea(areas, { province: 'hanoi', commune: 'phuong cau giay' })).toEqual({ province: HN, commune: 'Phường Cầu Giấy' });
    expect(canonicalArea(areas, { province: 'tp hcm', commune: 'phường 7' })).toEqual({ province: HCM, commune: 'phường 7' });
    expect(canonicalArea(areas, { province: HN, commune: 'Phường Ba Đình' })).toBeNull();
    expect(canonicalArea(areas, { province: 'quận 7', commune: null })).toBeNull();
    expect(canonicalArea(areas, { province: null, commune: null })).toBeNull();
  });

  it('labels buttons short, and identifies areas by ids that ignore diacritics and case', () => {
    expect(shortAreaName(HCM)).toBe('TP Hồ Chí Minh');
    expect(shortAreaName(HN)).toBe(HN);
    expect(areaId('Hà Nội')).toBe(areaId('ha noi'));
    expect(areaId('Hà Nội')).not.toBe(areaId('Hà Nam'));
  });
});

/**
 * Resolution 202/2025/QH15 (in force 1 July 2025): 63 provincial units became 34. Eleven kept
 * their borders; each other one absorbed the former provinces listed. Every former province,
 * typed as its people write it, reaches the unit it belongs to now.
 */
describe('the 2025 provincial mergers (Resolution 202/2025/QH15)', () => {
  const UNCHANGED = ['Hà Nội', 'Huế', 'Lai Châu', 'Điện Biên', 'Sơn La', 'Lạng Sơn', 'Quảng Ninh', 'Thanh Hóa', 'Nghệ An', 'Hà Tĩnh', 'Cao Bằng'];
  const MERGED: Record<string, string[]> = {
    'Tuyên Quang': ['Hà Giang'],
    'Lào Cai': ['Yên Bái'],
    'Thái Nguyên': ['Bắc Kạn'],
    'Phú Thọ': ['Vĩnh Phúc', 'Hòa Bình'],
    'Bắc Ninh': ['Bắc Giang'],
    'Hưng Yên': ['Thái Bình'],
    'Hải Phòng': ['Hải Dương'],
    'Ninh Bình': ['Hà Nam', 'Nam Định'],
    'Quảng Trị': ['Quảng Bình'],
    'Đà Nẵng': ['Quảng Nam'],
    'Quảng Ngãi': ['Kon Tum'],
    'Gia Lai': ['Bình Định'],
    'Khánh Hòa': ['Ninh Thuận'],
    'Lâm Đồng': ['Đắk Nông', 'Bình Thuận'],
    'Đắk Lắk': ['Phú Yên'],
    [HCM]: ['Bình Dương', 'Bà Rịa - Vũng Tàu'],
    'Đồng Nai': ['Bình Phước'],
    'Tây Ninh': ['Long An'],
    'Cần Thơ': ['Sóc Trăng', 'Hậu Giang'],
    'Vĩnh Long': ['Bến Tre', 'Trà Vinh'],
    'Đồng Tháp': ['Tiền Giang'],
    'Cà Mau': ['Bạc Liêu'],
    'An Giang': ['Kiên Giang'],
  };

  it('ships exactly the 34 units: 11 unchanged and 23 that absorbed the other 29 former provinces', () => {
    const names = defaultAreas.provinces.map((p) => p.name);
    expect(names).toHaveLength(34);
    expect(new Set(names)).toEqual(new Set([...UNCHANGED, ...Object.keys(MERGED)]));
    expect(UNCHANGED.length + Object.keys(MERGED).length + Object.values(MERGED).flat().length).toBe(63);
  });

  it.each(Object.entries(MERGED).flatMap(([unit, former]) => former.flatMap((f) => [[f, unit], [`tỉnh ${f}`, unit]])))('"%s" is %s now', (typed, unit) => {
    expect(areas.matchProvince(typed)).toBe(unit);
  });

  it('gives no unit an alias that reaches another unit', () => {
    for (const p of defaultAreas.provinces) for (const a of p.aliases) expect(areas.matchProvince(a), `alias "${a}" of ${p.name}`).toBe(p.name);
  });

  it('takes no guess at an abbreviation two units share ("ĐN": Đà Nẵng or Đồng Nai)', () => {
    expect(areas.matchProvince('ĐN')).toBeNull();
  });
});
