import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveSettings } from '../../../cases/live-settings.js';
import { scopeFilter, type StaffPrincipal } from '../../../cases/scope.js';
import defaultAreas from '../../../cases/areas.default.json' with { type: 'json' };
import { tr } from '../../../locales/i18n.js';
import { AuditEventModel, CaseModel, MessageModel, StartupStepModel } from '../../../models/index.js';
import { caseCodeIn, TelegramHarness, texts, type TelegramChild } from '../../helpers/telegram-child.js';

const vi = tr('vi');
const HN = 'Hà Nội';
const HCM = 'Thành phố Hồ Chí Minh';
const hanoiCoordinator: StaffPrincipal = { id: 'coord-hn', role: 'coordinator', areas: [HN], expertise: [] };

describe('Where the child is: the province and the commune (Telegram)', () => {
  let bot: TelegramHarness;

  beforeAll(async () => {
    bot = await TelegramHarness.start();
  });
  afterAll(() => bot?.close());

  /** A child who chose to share an opinion and is at the province question. */
  async function atProvince(): Promise<TelegramChild> {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.opinion'));
    for (const step of ['bot.opt.role.child', 'bot.opt.age.11_13', 'bot.opt.gender.girl']) await child.presses(vi(step));
    expect(child.received.at(-1)?.text).toBe(vi('bot.q.province'));
    return child;
  }

  async function caseOf(child: TelegramChild) {
    const receipt = await child.skipsToTheEnd();
    return bot.caseByCode(caseCodeIn(receipt));
  }

  it('offers the provinces compactly: Skip first, three to a row, then Menu and 111', async () => {
    const child = await atProvince();
    const rows = child.received.at(-1)!.reply_markup!.inline_keyboard!.map((row) => row.map((b) => b.text));
    expect(rows[0]).toEqual([vi('bot.button.skip')]);
    const places = rows.slice(1, -1);
    expect(places.flat()).toHaveLength(34);
    expect(places.slice(0, -1).every((row) => row.length === 3)).toBe(true);
    expect(places.flat()).toContain('TP Hồ Chí Minh');
    expect(rows.at(-1)).toEqual([vi('bot.button.menu'), vi('bot.button.sos')]);
  });

  it('does not ask the commune when the province is skipped', async () => {
    const child = await atProvince();
    expect(texts(await child.presses(vi('bot.button.skip')))).toEqual([vi('bot.q.topic')]);
    expect((await caseOf(child)).area).toMatchObject({ province: null, commune: null });
  });

  it('stores a province typed loosely ("em ở sài gòn ạ") by the name the list gives it', async () => {
    const child = await atProvince();
    expect(texts(await child.says('em ở sài gòn ạ'))).toEqual([vi('bot.q.commune')]);
    expect(texts(await child.says('Phường Bến Nghé'))).toEqual([vi('bot.q.topic')]);
    expect((await caseOf(child)).area).toEqual({ province: HCM, commune: 'Phường Bến Nghé' });
  });

  it.each([
    ['buon ma thuot', 'Đắk Lắk'],
    ['em ở buôn mê thuột ạ', 'Đắk Lắk'],
    ['bien hoa', 'Đồng Nai'],
    ['ha long', 'Quảng Ninh'],
    ['tp vinh', 'Nghệ An'],
  ])('takes a city typed without diacritics ("%s") as its province, %s', async (typed, province) => {
    const child = await atProvince();
    expect(texts(await child.says(typed))).toEqual([vi('bot.q.commune')]);
    await child.presses(vi('bot.button.skip'));
    expect((await caseOf(child)).area).toEqual({ province, commune: null });
  });

  it('never stores a place the list does not know as the province: the words are kept and the question asked again', async () => {
    const child = await atProvince();
    expect(texts(await child.says('quận Ba Đình'))).toEqual([vi('places.province_unknown'), vi('bot.q.province')]);
    expect(texts(await child.says('hanoi'))).toEqual([vi('bot.q.commune')]);
    const stored = await caseOf(child);
    expect(stored.area).toMatchObject({ province: HN });
    const words = await bot.app.store.collection(MessageModel).find({ caseId: stored._id, author: 'child' });
    // Kept with the question it was written at, for the counsellor.
    expect(words.find((m) => m.text === 'quận Ba Đình')?.asked).toBe('province');
  });

  it('offers the communes of a province the admin listed them for, and matches a typed one to the list', async () => {
    const communes = ['Phường Cầu Giấy', 'Phường Ba Đình', 'Xã Sóc Sơn'];
    const areas = defaultAreas.provinces.map((p) => ({ ...p, communes: p.name === HN ? communes : [] }));
    await saveSettings(bot.app.store, 'admin', { areas });
    try {
      const child = await atProvince();
      const question = await child.presses(HN);
      expect(texts(question)).toEqual([vi('bot.q.commune_choose')]);
      const rows = question[0]!.reply_markup!.inline_keyboard!.map((row) => row.map((b) => b.text));
      expect(rows[0]).toEqual([vi('bot.button.skip')]);
      expect(rows.slice(1, -1).flat()).toEqual(communes);
      expect(texts(await child.says('phuong cau giay'))).toEqual([vi('bot.q.topic')]);
      expect((await caseOf(child)).area).toEqual({ province: HN, commune: 'Phường Cầu Giấy' });
    } finally {
      await saveSettings(bot.app.store, 'admin', { areas: [] });
    }
  });

  it("matches the places of earlier cases, stored as typed, to the list at start, which brings them into the coordinators' scope", async () => {
    const opened = await Promise.all(
      [
        { province: 'hanoi', commune: 'phuong cau giay' },
        { province: 'tp hcm', commune: null },
        { province: 'quận 7', commune: null },
      ].map((area) => bot.app.cases.openCase({ kind: 'opinion', channel: 'telegram', contactId: 'c1', fields: { area }, urgentReasons: [], texts: ['ý kiến'], attachments: [] })),
    );
    const [hanoi, hcm, unknown] = opened.map((c) => c._id) as [string, string, string];
    const cases = () => bot.app.store.collection(CaseModel);
    const seenByCoordinator = async (id: string) => (await cases().count({ $and: [scopeFilter(hanoiCoordinator), { _id: id }] })) === 1;
    expect(await seenByCoordinator(hanoi)).toBe(false);

    // As a store from before this matching: the start-up step has not run against this list.
    await bot.app.store.collection(StartupStepModel).deleteMany({ _id: 'areas-matched' });
    await bot.restartApp();
    const areaOf = async (id: string) => (await cases().findOne({ _id: id }))!.area;
    expect(await areaOf(hanoi)).toEqual({ province: HN, commune: 'phuong cau giay' });
    expect(await areaOf(hcm)).toEqual({ province: HCM, commune: null });
    expect(await areaOf(unknown)).toEqual({ province: 'quận 7', commune: null });
    expect(await seenByCoordinator(hanoi)).toBe(true);

    // A commune list saved later names the commune too; a second start changes nothing more.
    await saveSettings(bot.app.store, 'admin', { areas: defaultAreas.provinces.map((p) => ({ ...p, communes: p.name === HN ? ['Phường Cầu Giấy'] : [] })) });
    expect(await areaOf(hanoi)).toEqual({ province: HN, commune: 'Phường Cầu Giấy' });
    // Already matched against this list: the next start reads nothing and changes nothing.
    await bot.restartApp();
    const audit = await bot.app.store.collection(AuditEventModel).find({ action: 'case.area_normalised' });
    expect(audit.map((e) => e.caseId).sort()).toEqual([hanoi, hanoi, hcm].sort());
    await saveSettings(bot.app.store, 'admin', { areas: [] });
  });
});
