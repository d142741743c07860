import type { Logger } from '../app/logger.js';
import { AuditEventModel, CaseModel, type CaseArea } from '../models/index.js';
import type { Filter, Store } from '../store/index.js';
import type { AreaDirectory } from './area-directory.js';
import { onceFor } from './startup-steps.js';

/** How many cases one pass reads at a time. */
const BATCH = 500;

/** Changes when the matching rules change, so that a start after an upgrade matches again. */
const MATCHING_VERSION = 1;

/**
 * Cases whose place was stored as the child typed it ("hanoi", "tp hcm", "phuong cau giay")
 * get the area list's own names when the words now name an entry of it, so that they come into
 * the scope of the coordinators of that province. Run at start and after an admin saves a new
 * area list; skipped when it already ran against this list and these matching rules. Safe to
 * run twice: a place already in the list is not read, one that still names nothing is left as
 * it is (admins see it), and a case changed meanwhile is left alone. Each changed case gets an
 * audit event. Returns how many cases changed.
 */
export async function normalizeCaseAreas(store: Store, areas: AreaDirectory, logger?: Logger): Promise<number> {
  const key = `${MATCHING_VERSION}:${areas.fingerprint()}`;
  const changed = (await onceFor(store, 'areas-matched', key, () => normalizeAll(store, areas))) ?? 0;
  if (changed) logger?.info({ cases: changed }, 'areas: typed places of earlier cases matched to the area list');
  return changed;
}

async function normalizeAll(store: Store, areas: AreaDirectory): Promise<number> {
  const provinces = areas.provinceNames();
  let changed = await normalizeWhere(store, areas, { 'area.province': { $nin: [...provinces, null] } });
  for (const province of provinces) {
    const communes = areas.communes(province);
    if (communes.length) changed += await normalizeWhere(store, areas, { 'area.province': province, 'area.commune': { $nin: [...communes, null] } });
  }
  return changed;
}

async function normalizeWhere(store: Store, areas: AreaDirectory, where: Filter): Promise<number> {
  const cases = store.collection(CaseModel);
  const audit = store.collection(AuditEventModel);
  let changed = 0;
  for (let after = ''; ; ) {
    const batch = await cases.find({ $and: [where, { _id: { $gt: after } }] }, { sort: { _id: 1 }, limit: BATCH, fields: ['area'] });
    for (const c of batch) {
      const area = canonicalArea(areas, c.area ?? {});
      if (!area) continue;
      // Only a case whose place is still the one read: a change made meanwhile is left alone.
      const updated = await cases.findOneAndUpdate({ _id: c._id, 'area.province': c.area?.province ?? null, 'area.commune': c.area?.commune ?? null }, { $set: { area } });
      if (!updated) continue;
      changed++;
      await audit.insertOne({ actorType: 'system', actorId: null, action: 'case.area_normalised', caseId: c._id, details: { fields: ['area'] } });
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
