import type { Case, Expertise, StaffRole } from '../models/index.js';
import { forbidden } from '../app/errors.js';
import type { Filter } from '../store/index.js';

/** Who is acting in the back office, as the case service sees them. */
export interface StaffPrincipal {
  id: string;
  role: StaffRole;
  /** Province names this person works in. */
  areas: string[];
  expertise: Expertise[];
}

/**
 * The cases a staff member may see, as a store filter: admins everything; coordinators the
 * cases in their provinces and those whose area is not known yet (someone must triage them);
 * counsellors only the cases assigned to them. The case service applies it to every read.
 */
export function scopeFilter(actor: StaffPrincipal): Filter {
  switch (actor.role) {
    case 'admin':
      return {};
    case 'coordinator':
      // `null` also matches a missing province (MongoDB's meaning), and lets an index answer.
      return { $or: [{ 'area.province': { $in: actor.areas } }, { 'area.province': null }] };
    case 'counsellor':
      return { assigneeId: actor.id };
  }
}

/**
 * The actor's scope and one more condition, the condition copied into each branch of the
 * scope's `$or` (a coordinator's provinces, or none yet), so that an index on both answers each
 * branch: a coordinator's count of one status reads two index ranges, not every case of it.
 */
export function scopedTo(actor: StaffPrincipal, condition: Filter): Filter {
  const scope = scopeFilter(actor);
  const branches = scope.$or as Filter[] | undefined;
  if (branches && Object.keys(scope).length === 1) return { $or: branches.map((b) => ({ ...b, ...condition })) };
  return { $and: [scope, condition] };
}

/** The same rule for one case already loaded. */
export function canSee(actor: StaffPrincipal, c: Case): boolean {
  switch (actor.role) {
    case 'admin':
      return true;
    case 'coordinator':
      return !c.area?.province || actor.areas.includes(c.area.province);
    case 'counsellor':
      return c.assigneeId === actor.id;
  }
}

/**
 * The cases a staff member's reports count, as a store filter: admins every case (or one
 * province's), coordinators the cases of their provinces (or one of them). A case whose province
 * is not known belongs to no province's report; it is counted in the admins' whole-network one.
 * Counsellors have no reports. Out of scope is `forbidden`.
 */
export function reportScopeFilter(actor: StaffPrincipal, province?: string): Filter {
  if (actor.role === 'counsellor') throw forbidden();
  if (province) {
    if (actor.role === 'coordinator' && !actor.areas.includes(province)) throw forbidden();
    return { 'area.province': province };
  }
  return actor.role === 'admin' ? {} : { 'area.province': { $in: actor.areas } };
}
