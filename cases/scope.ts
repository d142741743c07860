import type { Case, Expertise, StaffRole } from '../models/index.js';
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
      return { $or: [{ 'area.province': { $in: actor.areas } }, { 'area.province': null }, { 'area.province': { $exists: false } }] };
    case 'counsellor':
      return { assigneeId: actor.id };
  }
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
