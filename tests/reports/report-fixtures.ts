import crypto from 'node:crypto';
import { DataCipher } from '../../app/crypto.js';
import { createLogger } from '../../app/logger.js';
import { CaseService } from '../../cases/cases.service.js';
import { newCaseCode } from '../../cases/case-code.js';
import type { StaffPrincipal } from '../../cases/scope.js';
import { CaseModel, MessageModel, ReferralModel, type Case } from '../../models/index.js';
import { Outbox } from '../../outbox/outbox.service.js';
import { ReportService } from '../../reports/reports.service.js';
import type { Store } from '../../store/index.js';

export const DB = 'Điện Biên';
export const LC = 'Lai Châu';

/** An instant given in Vietnam's local time (UTC+7). */
export const vn = (local: string) => new Date(`${local}+07:00`);

export const people = {
  admin: { id: 'admin-1', role: 'admin', areas: [], expertise: [] },
  coordDB: { id: 'coord-db', role: 'coordinator', areas: [DB], expertise: [] },
  coordLC: { id: 'coord-lc', role: 'coordinator', areas: [LC], expertise: [] },
  counsellor: { id: 'couns-1', role: 'counsellor', areas: [DB], expertise: [] },
} satisfies Record<string, StaffPrincipal>;

export type CaseFixture = Partial<Omit<Case, 'area'>> & { province?: string | null; commune?: string | null; text?: string };

/** The services a report needs, on a fresh store, and a way to put cases straight into it. */
export async function reportWorld(store: Store) {
  const logger = createLogger('silent');
  const cipher = new DataCipher(crypto.randomBytes(32));
  const outbox = new Outbox(store, cipher, logger);
  const cases = new CaseService(store, outbox, cipher, logger);
  const reports = new ReportService(store, cases);
  const codes: string[] = [];

  async function addCase(f: CaseFixture): Promise<Case> {
    const { province = DB, commune = null, text, ...rest } = f;
    const createdAt = rest.createdAt ?? vn('2026-07-15T10:00:00');
    const c = await store.collection(CaseModel).insertOne({
      code: newCaseCode(),
      kind: 'opinion',
      channel: 'telegram',
      contactId: `contact-${codes.length}`,
      area: { province, commune },
      firstResponseDueAt: new Date(createdAt.getTime() + 72 * 3_600_000),
      ...rest,
      createdAt,
    } as Partial<Case>);
    codes.push(c.code);
    if (text !== undefined) await store.collection(MessageModel).insertOne({ caseId: c._id, author: 'child', text });
    return c;
  }

  async function addMany(n: number, f: CaseFixture | ((i: number) => CaseFixture)): Promise<Case[]> {
    const out: Case[] = [];
    for (let i = 0; i < n; i++) out.push(await addCase(typeof f === 'function' ? f(i) : f));
    return out;
  }

  async function refer(c: Case, to: 'agency' | 'police' | 'social_work' | 'school' | 'health', extra: { dueAt?: Date; answeredAt?: Date } = {}) {
    await store.collection(ReferralModel).insertOne({ caseId: c._id, to, agencyName: to === 'agency' ? 'UBND xã Mường Phăng' : null, sentAt: c.createdAt, staffId: 'coord-db', ...extra });
  }

  return { store, cipher, outbox, cases, reports, addCase, addMany, refer, codes };
}
