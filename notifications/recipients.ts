import { StaffModel, type Case, type Staff } from '../models/index.js';
import type { Store } from '../store/index.js';

/** Who is told: the ladder's rungs and an urgent case at arrival (PRODUCT.md, reminders). */
export type Audience = 'urgent' | 'rung1' | 'rung2' | 'rung3';

const active = { active: true, passwordHash: { $ne: null } };

/** Coordinators of the province (every coordinator while it is unknown, or when none covers it). */
async function coordinators(store: Store, province: string | null | undefined): Promise<Staff[]> {
  const staff = store.collection(StaffModel);
  const local = province ? await staff.find({ ...active, role: 'coordinator', areas: province }) : [];
  return local.length ? local : staff.find({ ...active, role: 'coordinator' });
}

const admins = (store: Store) => store.collection(StaffModel).find({ ...active, role: 'admin' });

async function assignee(store: Store, c: Pick<Case, 'assigneeId'>): Promise<Staff[]> {
  if (!c.assigneeId) return [];
  const found = await store.collection(StaffModel).findOne({ ...active, _id: c.assigneeId });
  return found ? [found] : [];
}

/**
 * The people an alert about `c` goes to: an urgent case, the province's coordinators and the
 * admins; rung 1, the assignee (the coordinators while nobody is assigned); rung 2, the
 * coordinators and the assignee; rung 3, the admins. Never nobody: the admins when the
 * others are missing.
 */
export async function recipientsFor(store: Store, audience: Audience, c: Pick<Case, 'assigneeId' | 'area'>): Promise<Staff[]> {
  const province = c.area?.province;
  let people: Staff[];
  switch (audience) {
    case 'urgent':
      people = [...(await coordinators(store, province)), ...(await admins(store))];
      break;
    case 'rung1': {
      const mine = await assignee(store, c);
      people = mine.length ? mine : await coordinators(store, province);
      break;
    }
    case 'rung2':
      people = [...(await coordinators(store, province)), ...(await assignee(store, c))];
      break;
    case 'rung3':
      people = await admins(store);
      break;
  }
  if (people.length === 0) people = await admins(store);
  return [...new Map(people.map((p) => [p._id, p])).values()];
}

/**
 * The people who owe the province's reports, reminded of them: the coordinators who cover a
 * province (each reports on their own) and the admins. Counsellors have no reports.
 */
export async function reportRecipients(store: Store): Promise<Staff[]> {
  const staff = store.collection(StaffModel);
  const coordinators = (await staff.find({ ...active, role: 'coordinator' })).filter((p) => p.areas.length > 0);
  return [...coordinators, ...(await admins(store))];
}
