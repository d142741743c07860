import type { Logger } from '../app/logger.js';
import { AuditEventModel, CaseModel, type Case, type CaseArea } from '../models/index.js';
import type { Filter, Store } from '../store/index.js';
import type { AreaDirectory } from './area-directory.js';

/** How many cases one pass reads at a time. */
const BATCH = 500;

/**
 * Cases whose place was stored as the child typed it ("hanoi", "tp hcm", "phuong cau giay")
 * get the area list's own names when the words now name an entry of it, so that they come into
 * the scope of the coordinators of that province. Run at start (and after an admin saves a new
 * area list). Idempotent: a place already in the list is never read again; one that still
 * names nothing is left as it is (admins see it). Each changed case gets an audit event.
 * Returns how many cases changed.
 */
export async function normalizeCaseAreas(store: Store, areas: AreaDirectory, logger?: Logger): Promise<number> {
  const provinces = areas.provinceNames();
  let changed = await normalizeWhere(store, areas, { 'area.province': { $nin: [...provinces, null] } });
  for (const province of provinces) {
    const communes = areas.communes(province);
    if (communes.length) changed += await normalizeWhere(store, areas, { 'area.province': province, 'area.commune': { $nin: [...communes, null] } });
  }
  if (changed) logger?.info({ cases: changed }, 'areas: typed places of earlier cases matched to the area list');
  return changed;
}

async function normalizeWhere(store: Store, areas: AreaDirectory, where: Filter): Promise<number> {
  const cases = store.collection(CaseModel);
  let changed = 0;
  for (let after = ''; ; ) {
    const batch = await cases.find({ $and: [where, { _id: { $gt: after } }] }, { sort: { _id: 1 }, limit: BATCH, fields: ['area'] });
    const updates = batch.flatMap((c) => {
      const area = canonicalArea(areas, c.area ?? {});
      return area ? [{ c, area }] : [];
    });
    if (updates.length) {
      // Only a case whose place is still the one read: a change made meanwhile is left alone.
      const ops = updates.map(({ c, area }) => ({ filter: { _id: c._id, 'area.province': c.area?.province ?? null, 'area.commune': c.area?.commune ?? null }, update: { $set: { area } } }));
      changed += await cases.updateEach(ops);
      await recordChanges(store, updates.map((u) => u.c));
    }
    if (batch.length < BATCH) return changed;
    after = batch.at(-1)!._id;
  }
}

/** The place as the list names it, or null when nothing would change. */
export function canonicalArea(areas: AreaDirectory, area: Partial<CaseArea>): CaseArea | null {
  const typedProvince = area.province ?? null;
  const province = typedProvince ? (areas.matchProvince(typedProvince) ?? typedProvince) : null;
  const commune = area.commune ? (areas.matchCommune(province, area.commune) ?? area.commune) : null;
  return province === typedProvince && commune === (area.commune ?? null) ? null : { province, commune };
}

async function recordChanges(store: Store, changed: Pick<Case, '_id'>[]) {
  const audit = store.collection(AuditEventModel);
  for (const c of changed) await audit.insertOne({ actorType: 'system', actorId: null, action: 'case.area_normalised', caseId: c._id, details: { fields: ['area'] } });
}
