import { CASE_STATUSES, CaseModel, MessageModel, PRIORITIES, StaffModel, type Case, type CaseStatus } from '../models/index.js';
import type { Filter, Sort, Store } from '../store/index.js';
import { caseCodeStart, findCaseCode } from './case-code.js';
import type { CaseListQuery } from './case-work.schemas.js';
import { OPEN_STATUSES } from './case-workflow.js';
import { scopedTo, scopeFilter, type StaffPrincipal } from './scope.js';

/** A case as the inbox shows it: no contact, and of the child's words only the first few. */
export interface CaseListItem
  extends Pick<
    Case,
    | '_id'
    | 'code'
    | 'kind'
    | 'status'
    | 'priority'
    | 'urgentReasons'
    | 'channel'
    | 'topic'
    | 'harmType'
    | 'adviceArea'
    | 'area'
    | 'assigneeId'
    | 'firstResponseDueAt'
    | 'firstResponseAt'
    | 'lastChildMessageAt'
    | 'childWaitingSince'
    | 'replyDueAt'
    | 'createdAt'
  > {
  assigneeName: string | null;
  /** The first words of the child's first message, for staff only (never sent anywhere else). */
  preview: string | null;
  urgent: boolean;
  /** Open, and its first answer (or the answer to the child's later message) is late. */
  overdue: boolean;
}

export interface CaseList {
  items: CaseListItem[];
  total: number;
  page: number;
  pageSize: number;
  /** Every status, counted within the actor's scope (not narrowed by the other filters). */
  countsByStatus: Record<CaseStatus, number>;
}

/** How many cases a word search looks at among those whose child wrote the words (the newest first). */
const SEARCH_CASE_LIMIT = 2_000;
/** Most urgent first; within one priority, the deadline nearest first. */
const PRIORITY_ORDER = [...PRIORITIES].reverse();
const SORTS: Record<Exclude<CaseListQuery['sort'], 'priority'>, Sort> = {
  newest: { createdAt: -1, _id: -1 },
  oldest: { createdAt: 1, _id: 1 },
  due: { firstResponseDueAt: 1, createdAt: 1, _id: 1 },
};
/**
 * Within one priority: the cases waiting for an answer — a first one, or one to what the child
 * wrote after it (reply mode) — the least time left first; then the others, the longest answered
 * first. Two ranges of one index each (`answerDueAt` is null when a case waits for nothing).
 */
const WITHIN_PRIORITY: { filter: Filter; sort: Sort }[] = [
  { filter: { answerDueAt: { $ne: null } }, sort: { answerDueAt: 1, firstResponseAt: 1, createdAt: 1, _id: 1 } },
  { filter: { answerDueAt: null }, sort: { firstResponseAt: 1, createdAt: 1, _id: 1 } },
];
/** The fields each of the inbox's orders reads (besides `_id`). */
const SORT_FIELDS: Record<CaseListQuery['sort'], readonly (keyof Case)[]> = {
  priority: ['priority', 'answerDueAt', 'firstResponseAt', 'createdAt'],
  newest: ['createdAt'],
  oldest: ['createdAt'],
  due: ['firstResponseDueAt', 'createdAt'],
};

/** The inbox's order as a comparison, for a few cases already read (the store's meaning: null and missing first). */
function inboxOrder(sort: CaseListQuery['sort']): (a: Case, b: Case) => number {
  if (sort !== 'priority') return byFields(SORTS[sort]);
  const rank = (c: Case) => PRIORITY_ORDER.indexOf(c.priority);
  const range = (c: Case) => (c.answerDueAt === null || c.answerDueAt === undefined ? 1 : 0);
  return (a, b) => rank(a) - rank(b) || range(a) - range(b) || byFields(WITHIN_PRIORITY[range(a)]!.sort)(a, b);
}

function byFields(sort: Sort): (a: Case, b: Case) => number {
  const fields = Object.entries(sort) as [keyof Case, 1 | -1][];
  return (a, b) => fields.reduce((d, [field, dir]) => d || dir * compareValues(a[field], b[field]), 0);
}

function compareValues(a: unknown, b: unknown): number {
  const [aMissing, bMissing] = [a === null || a === undefined, b === null || b === undefined];
  if (aMissing || bMissing) return aMissing && bMissing ? 0 : aMissing ? -1 : 1;
  const [x, y] = [a instanceof Date ? a.getTime() : a, b instanceof Date ? b.getTime() : b] as [string | number, string | number];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** How much of the child's first message the inbox shows. */
const PREVIEW_WORDS = 12;
const PREVIEW_CHARS = 90;

/** Open, and late: for its first answer, or for the answer to what the child wrote after it (reply mode). */
export const isOverdue = (c: Case, now: Date) =>
  OPEN_STATUSES.includes(c.status) &&
  ((!c.firstResponseAt && !!c.firstResponseDueAt && c.firstResponseDueAt.getTime() < now.getTime()) ||
    (!!c.childWaitingSince && !!c.replyDueAt && c.replyDueAt.getTime() < now.getTime()));

export const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The inbox: the actor's cases, filtered, searched, sorted and paged. */
export class CaseQuery {
  constructor(private readonly store: Store) {}

  private get cases() {
    return this.store.collection(CaseModel);
  }

  async list(actor: StaffPrincipal, q: CaseListQuery, now = new Date()): Promise<CaseList> {
    const { filters, fewById } = await this.conditions(actor, q, now);
    const filter = { $and: [scopeFilter(actor), ...filters] };
    const counting = this.countsByStatus(actor);
    const [{ total, found }, countsByStatus] = await Promise.all([
      fewById ? this.pageOfFew(filter, q) : Promise.all([this.total(filters, filter, counting), this.page(filter, q)]).then(([total, found]) => ({ total, found })),
      counting,
    ]);
    const names = await this.staffNames(found.map((c) => c.assigneeId).filter((id): id is string => !!id));
    const previews = await this.previews(found);
    return { items: found.map((c, i) => ({ ...toListItem(c, now, names), preview: previews[i] ?? null })), total, page: q.page, pageSize: q.pageSize, countsByStatus };
  }

  /** The first words the child wrote in each case (erased words stay erased). */
  private async previews(found: Case[]): Promise<(string | null)[]> {
    const messages = this.store.collection(MessageModel);
    return Promise.all(
      found.map(async (c) => {
        const first = await messages.findOne({ caseId: c._id, author: 'child', text: { $ne: '' }, erasedAt: null }, { sort: { seq: 1 } });
        return first ? previewOf(first.text) : null;
      }),
    );
  }

  /**
   * How many cases the filter finds: with no filter besides the scope, or only a status, the
   * counts per status already say (the inbox's most asked views, each count otherwise another
   * read of the scope's index entries: 100,000 at 100k cases).
   */
  private async total(filters: Filter[], filter: Filter, counting: Promise<Record<CaseStatus, number>>): Promise<number> {
    const only = filters.length === 1 ? Object.entries(filters[0]!) : null;
    if (filters.length === 0) return Object.values(await counting).reduce((a, b) => a + b, 0);
    if (only?.length === 1 && only[0]![0] === 'status' && typeof only[0]![1] === 'string') return (await counting)[only[0]![1] as CaseStatus] ?? 0;
    return this.cases.count(filter);
  }

  /** The filters besides the scope; `fewById` when one of them names the cases by id (a word search). */
  private async conditions(actor: StaffPrincipal, q: CaseListQuery, now: Date): Promise<{ filters: Filter[]; fewById: boolean }> {
    const out: Filter[] = [];
    if (q.status) out.push({ status: q.status });
    if (q.kind) out.push({ kind: q.kind });
    if (q.priority) out.push({ priority: q.priority });
    if (q.topic) out.push({ topic: q.topic });
    if (q.area) out.push({ 'area.province': q.area });
    if (q.assignee) out.push({ assigneeId: q.assignee === 'me' ? actor.id : q.assignee === 'unassigned' ? null : q.assignee });
    if (q.overdue) {
      const late = [{ firstResponseAt: null, firstResponseDueAt: { $lt: now } }, { childWaitingSince: { $ne: null }, replyDueAt: { $lt: now } }];
      out.push({ status: { $in: [...OPEN_STATUSES] }, $or: late });
    }
    if (!q.q) return { filters: out, fewById: false };
    const found = await this.search(q.q);
    return { filters: [...out, found.filter], fewById: found.fewById };
  }

  /**
   * A case code (typed loosely), part of one, or words the child wrote. Messages are searched
   * across all cases; the scope filter beside this condition keeps only the actor's.
   */
  private async search(text: string): Promise<{ filter: Filter; fewById: boolean }> {
    const code = findCaseCode(text);
    if (code) return { filter: { code }, fewById: false };
    // The message model groups the child's messages by case: the cases come off the word index.
    const byWords = { _id: { $in: await this.store.collection(MessageModel).groupsByWords(text, SEARCH_CASE_LIMIT) } };
    const start = caseCodeStart(text);
    if (start) return { filter: { $or: [{ code: { $gte: start, $lt: `${start}\uffff` } }, byWords] }, fewById: false };
    return { filter: byWords, fewById: true };
  }

  /**
   * A page among a few cases named by id (a word search names {@link SEARCH_CASE_LIMIT} at
   * most): their sort keys are read at once and ordered here, and the total is their number.
   * Asked of the store, each priority's page would walk that priority's index over every case
   * to find the few among them (60 ms at 100k cases when they are the newest).
   */
  private async pageOfFew(filter: Filter, q: CaseListQuery): Promise<{ total: number; found: Case[] }> {
    const keys = await this.cases.find(filter, { fields: SORT_FIELDS[q.sort] });
    keys.sort(inboxOrder(q.sort));
    const skip = (q.page - 1) * q.pageSize;
    const ids = keys.slice(skip, skip + q.pageSize).map((k) => k._id);
    const docs = ids.length > 0 ? await this.cases.find({ _id: { $in: ids } }) : [];
    const byId = new Map(docs.map((c) => [c._id, c]));
    return { total: keys.length, found: ids.map((id) => byId.get(id)).filter((c): c is Case => c !== undefined) };
  }

  private async page(filter: Filter, q: CaseListQuery): Promise<Case[]> {
    const skip = (q.page - 1) * q.pageSize;
    if (q.sort !== 'priority') return this.cases.find(filter, { sort: SORTS[q.sort], skip, limit: q.pageSize });
    // Priorities are words, not ranks: page through them one priority (and one range) at a time.
    const out: Case[] = [];
    let toSkip = skip;
    for (const priority of PRIORITY_ORDER) {
      for (const range of WITHIN_PRIORITY) {
        if (out.length >= q.pageSize) return out;
        const f = { $and: [filter, { priority, ...range.filter }] };
        // Counted only to skip past it (the first page never counts).
        const n = toSkip > 0 ? await this.cases.count(f) : Infinity;
        if (toSkip >= n) {
          toSkip -= n;
          continue;
        }
        out.push(...(await this.cases.find(f, { sort: range.sort, skip: toSkip, limit: q.pageSize - out.length })));
        toSkip = 0;
      }
    }
    return out;
  }

  private async countsByStatus(actor: StaffPrincipal): Promise<Record<CaseStatus, number>> {
    const counts = await Promise.all(CASE_STATUSES.map((status) => this.cases.count(scopedTo(actor, { status }))));
    return Object.fromEntries(CASE_STATUSES.map((s, i) => [s, counts[i] ?? 0])) as Record<CaseStatus, number>;
  }

  /** Staff display names by id, for the assignee column and the case page. */
  async staffNames(ids: string[]): Promise<Record<string, string>> {
    if (ids.length === 0) return {};
    const staff = await this.store.collection(StaffModel).find({ _id: { $in: [...new Set(ids)] } });
    return Object.fromEntries(staff.map((s) => [s._id, s.name]));
  }
}

/** The first words of a text, cut at a word and marked as cut. */
export function previewOf(text: string): string {
  const words = text.replace(/\s+/g, ' ').trim().split(' ');
  let out = words.slice(0, PREVIEW_WORDS).join(' ');
  if (out.length > PREVIEW_CHARS) out = out.slice(0, PREVIEW_CHARS).replace(/\s+\S*$/, '');
  return out.length < text.trim().length ? `${out}…` : out;
}

export function toListItem(c: Case, now: Date, names: Record<string, string>): Omit<CaseListItem, 'preview'> {
  return {
    _id: c._id,
    code: c.code,
    kind: c.kind,
    status: c.status,
    priority: c.priority,
    urgentReasons: c.urgentReasons,
    channel: c.channel,
    topic: c.topic ?? null,
    harmType: c.harmType ?? null,
    adviceArea: c.adviceArea ?? null,
    area: c.area ?? {},
    assigneeId: c.assigneeId ?? null,
    assigneeName: c.assigneeId ? (names[c.assigneeId] ?? null) : null,
    firstResponseDueAt: c.firstResponseDueAt ?? null,
    firstResponseAt: c.firstResponseAt ?? null,
    lastChildMessageAt: c.lastChildMessageAt ?? null,
    childWaitingSince: c.childWaitingSince ?? null,
    replyDueAt: c.replyDueAt ?? null,
    createdAt: c.createdAt,
    urgent: c.priority === 'urgent',
    overdue: isOverdue(c, now),
  };
}
