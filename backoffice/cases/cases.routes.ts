import { caseDeadlines } from '../../cases/deadlines.js';
import { Router, type Request, type Response } from 'express';
import { AppError } from '../../app/errors.js';
import { CaseWorkService } from '../../cases/case-work.service.js';
import { CASE_SORTS, REPLY_MAX, type ReferralInput } from '../../cases/case-work.schemas.js';
import { STATUS_TRANSITIONS } from '../../cases/case-workflow.js';
import type { StaffPrincipal } from '../../cases/scope.js';
import { readWorkSettings } from '../../cases/work-settings.js';
import { CASE_STATUSES, StaffModel, type CaseStatus, type Staff } from '../../models/index.js';
import { ctx, type BackofficeDeps } from '../context.js';
import { render } from '../render.js';
import { offeredCannedReplies } from '../settings/canned-replies.form.js';
import { auditRoutes } from './audit.routes.js';
import {
  auditView,
  caseFacts,
  fieldErrorsOf,
  inboxHref,
  messageView,
  referralView,
  staffIdsIn,
  stringsOf,
  vocabularies,
  type FailedForm,
} from './case-view.js';

const FILTERS = ['status', 'kind', 'priority', 'topic', 'area', 'assignee', 'overdue', 'q', 'sort'] as const;
const TRIAGE_FIELDS = ['kind', 'priority', 'topic', 'harmType', 'adviceArea', 'province', 'commune', 'ageBand', 'gender'] as const;
const ADULT_ROLES: string[] = ['parent', 'teacher', 'other'];
const isManager = (actor: StaffPrincipal) => actor.role === 'admin' || actor.role === 'coordinator';
const pick = <K extends string>(body: Record<string, string>, keys: readonly K[]) =>
  Object.fromEntries(keys.filter((k) => k in body).map((k) => [k, body[k]])) as Partial<Record<K, string>>;

/**
 * The inbox, the case page and its forms: thin routes over CaseWorkService, which checks scope,
 * validates and audits. A form with bad input is shown again with its errors (400) and nothing
 * saved; a change that worked redirects back (303) with a flash message.
 */
export function caseRoutes(deps: BackofficeDeps): Router {
  const router = Router();
  const work = new CaseWorkService(deps.store, deps.outbox, deps.cipher, deps.logger, deps.cases);

  /** Counsellors and coordinators who may take cases; a coordinator's own provinces only. */
  async function assignableStaff(actor: StaffPrincipal): Promise<Staff[]> {
    const all = await deps.store.collection(StaffModel).find({ active: true, role: { $in: ['counsellor', 'coordinator'] } }, { sort: { name: 1 } });
    return actor.role === 'admin' ? all : all.filter((s) => s.areas.some((a) => actor.areas.includes(a)));
  }

  async function staffNames(ids: string[]): Promise<Record<string, string>> {
    if (ids.length === 0) return {};
    const found = await deps.store.collection(StaffModel).find({ _id: { $in: [...new Set(ids)] } });
    return Object.fromEntries(found.map((s) => [s._id, s.name]));
  }

  router.get('/', (_req, res) => res.redirect('/admin/cases'));

  router.get('/cases', async (req, res) => {
    const { principal, t } = ctx(req);
    const actor = principal!;
    const query = stringsOf(req.query);
    const filters = pick(query, FILTERS);
    let errors = null;
    let list;
    try {
      list = await work.listCases(actor, { ...filters, page: query.page });
    } catch (err) {
      errors = fieldErrorsOf(err, t);
      if (!errors) throw err;
      list = await work.listCases(actor, {});
    }
    const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
    const [settings, staff] = await Promise.all([readWorkSettings(deps.store), isManager(actor) ? assignableStaff(actor) : []]);
    render(
      req,
      res,
      'cases/inbox.njk',
      {
        ...vocabularies(t),
        casesVersion: (await deps.notifications.casesVersion()) ?? '',
        list,
        filters,
        errors,
        manager: isManager(actor),
        areaOptions: settings.areas.map((a) => ({ value: a.name, label: a.name })),
        assigneeOptions: [
          { value: 'me', label: t('admin.cases.filters.me') },
          { value: 'unassigned', label: t('admin.cases.filters.unassigned') },
          ...staff.map((s) => ({ value: s._id, label: s.name })),
        ],
        sorts: CASE_SORTS.map((value) => ({ value, label: t(`admin.cases.sorts.${value}`) })),
        allCount: CASE_STATUSES.reduce((n, s) => n + list.countsByStatus[s], 0),
        allHref: inboxHref({ ...filters, status: undefined }),
        statusLinks: CASE_STATUSES.map((s) => ({ status: s, count: list.countsByStatus[s], href: inboxHref({ ...filters, status: s }) })),
        pages,
        prevHref: list.page > 1 ? inboxHref({ ...filters, page: list.page - 1 }) : null,
        nextHref: list.page < pages ? inboxHref({ ...filters, page: list.page + 1 }) : null,
        filtersActive: Object.keys(filters).some((k) => k !== 'q' && k !== 'sort' && filters[k as keyof typeof filters]),
      },
      errors ? 400 : 200,
    );
  });

  /** Renders the case page (also to show a form's errors or a refused move again). */
  async function casePage(req: Request, res: Response, id: string, extra: { failed?: FailedForm; problem?: string } = {}, status = 200) {
    const { principal, t, lang } = ctx(req);
    const actor = principal!;
    const detail = await work.getCase(actor, id);
    const manager = isManager(actor);
    const [suggestions, others, settings] = await Promise.all([
      manager ? work.suggestAssignees(actor, id) : [],
      manager ? assignableStaff(actor) : [],
      readWorkSettings(deps.store),
    ]);
    const names = { ...detail.staffNames, ...(await staffNames(staffIdsIn(detail.audit).filter((s) => !detail.staffNames[s]))) };
    const c = detail.case;
    const suggested = new Set(suggestions.map((s) => s.staffId));
    const province = settings.areas.find((a) => a.name === c.area?.province);
    const failed = extra.failed;
    const errorsOf = (form: string) => (failed?.form === form ? failed.errors : {});
    const reader = { audience: ADULT_ROLES.includes(c.reporterRole ?? '') ? ('adult' as const) : ('child' as const), lang: detail.contact.lang };
    const valuesOf = (form: string, fallback: Record<string, unknown> = {}) => (failed?.form === form ? failed.values : fallback);
    render(
      req,
      res,
      'cases/case.njk',
      {
        ...vocabularies(t),
        c,
        facts: caseFacts(detail, t),
        deadlines: caseDeadlines(c, detail.referrals, settings.workingDays).map((d) => ({ ...d, late: !d.metAt && d.dueAt.getTime() < Date.now() })),
        contact: detail.contact,
        contactDetails: detail.contactDetails,
        messages: detail.messages.map((m) => messageView(m, names, t, { caseId: c._id, case: c, evidence: detail.evidence, lang })),
        referrals: detail.referrals.map((r) => referralView(r, names, t)),
        trail: detail.audit.map((e) => auditView(e, names, t, { [c._id]: c.reporterRole })),
        trailTotal: detail.auditTotal,
        trailHref: actor.role === 'admin' ? `/admin/audit?${new URLSearchParams({ code: c.code }).toString()}` : null,
        assigneeName: c.assigneeId ? (names[c.assigneeId] ?? t('admin.audit.someone')) : null,
        me: actor.id,
        manager,
        nextStatuses: STATUS_TRANSITIONS[c.status].map((s) => ({ value: s, label: t(`admin.cases.statuses.${s}`) })),
        suggestions: suggestions.map((s) => ({
          value: s.staffId,
          label: `★ ${s.name} (${t('admin.cases.assign.suggested')})`,
          why: t('admin.cases.assign.suggestion', {
            name: s.name,
            expertise: s.matchedExpertise.map((e) => t(`admin.staff.expertise_names.${e}`)).join(', ') || '—',
            open: t('admin.cases.assign.open_cases', { count: s.openCases }),
          }),
        })),
        otherStaff: others.filter((s) => !suggested.has(s._id)).map((s) => ({ value: s._id, label: s.name })),
        provinces: settings.areas.map((a) => ({ value: a.name, label: a.name })),
        communes: province?.communes ?? [],
        forwardedDays: settings.sla.forwardedOpinionDays,
        replyMax: REPLY_MAX,
        // The person who wrote: an adult (parent, relative, teacher, another adult) is answered as one.
        writerIsAdult: reader.audience === 'adult',
        // Canned replies in the writer's voice and language: a parent's, an English-speaking child's.
        cannedReplies: offeredCannedReplies(settings.cannedReplies, reader, t),
        cannedFor: t('admin.canned.offered_for', { who: t(`admin.canned.tags.${reader.audience}`), lang: t(`admin.canned.tags.lang_${reader.lang}`) }),
        problem: extra.problem ?? null,
        failed: failed ?? null,
        errors: { reply: errorsOf('reply'), note: errorsOf('note'), triage: errorsOf('triage'), assign: errorsOf('assign'), referral: errorsOf('referral') },
        answerErrors: failed?.form.startsWith('answer-') ? { id: failed.form.slice(7), errors: failed.errors, values: failed.values } : null,
        values: {
          reply: valuesOf('reply'),
          note: valuesOf('note'),
          referral: valuesOf('referral'),
          triage: valuesOf('triage', { ...c, province: c.area?.province ?? '', commune: c.area?.commune ?? '' }),
        },
      },
      status,
    );
  }

  router.get('/cases/:id', (req, res) => casePage(req, res, req.params.id));

  /**
   * An attachment's file (a photo, a voice note), for the case page's <img> and <audio>. The
   * CSP sandbox and nosniff keep a file from ever running as a page of the back office.
   */
  router.get('/cases/:id/evidence/:messageId/:index', async (req, res) => {
    const file = await work.getEvidence(ctx(req).principal!, req.params.id, req.params.messageId, req.params.index);
    res.set({
      'Content-Type': file.mime,
      'Content-Length': String(file.bytes.length),
      'Content-Disposition': `inline; filename="${file.filename}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "sandbox; default-src 'none'",
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    res.end(file.bytes);
  });

  /**
   * A form post on a case: runs the change, then redirects back with `flash`; a bad input shows
   * the page again with the form's errors, a refused move with why.
   */
  const caseAction =
    (form: string, run: (actor: StaffPrincipal, body: Record<string, string>, req: Request) => Promise<{ flash: string; caseId?: string }>) =>
    async (req: Request<{ id: string; referralId?: string }>, res: Response) => {
      const { principal, t } = ctx(req);
      const body = stringsOf(req.body);
      const id = req.params.id;
      try {
        const done = await run(principal!, body, req);
        req.session.flash = done.flash;
        res.redirect(303, `/admin/cases/${encodeURIComponent(done.caseId ?? id)}`);
      } catch (err) {
        const errors = fieldErrorsOf(err, t);
        const name = form === 'answer' ? `answer-${req.params.referralId}` : form;
        if (errors) return casePage(req, res, id, { failed: { form: name, errors, values: body } }, 400);
        if (err instanceof AppError && (err.code === 'invalid_transition' || err.code === 'referral_answer_already_sent')) {
          return casePage(req, res, id, { problem: t(`errors.${err.code}`) }, err.status);
        }
        throw err;
      }
    };

  router.post(
    '/cases/:id/reply',
    caseAction('reply', async (actor, body, req) => {
      await work.reply(actor, String(req.params.id), body.text ?? '');
      return { flash: ctx(req).t('admin.cases.flash.replied') };
    }),
  );

  router.post(
    '/cases/:id/note',
    caseAction('note', async (actor, body, req) => {
      await work.addNote(actor, String(req.params.id), body.text ?? '');
      return { flash: ctx(req).t('admin.cases.flash.noted') };
    }),
  );

  router.post(
    '/cases/:id/triage',
    caseAction('triage', async (actor, body, req) => {
      await work.triage(actor, String(req.params.id), pick(body, TRIAGE_FIELDS) as Parameters<CaseWorkService['triage']>[2]);
      return { flash: ctx(req).t('admin.cases.flash.triaged') };
    }),
  );

  router.post(
    '/cases/:id/assign',
    caseAction('assign', async (actor, body, req) => {
      const { t } = ctx(req);
      const updated = await work.assign(actor, String(req.params.id), body.staffId || null);
      const name = updated.assigneeId ? (await staffNames([updated.assigneeId]))[updated.assigneeId] : null;
      return { flash: name ? t('admin.cases.flash.assigned', { name }) : t('admin.cases.flash.unassigned') };
    }),
  );

  router.post(
    '/cases/:id/status',
    caseAction('status', async (actor, body, req) => {
      const { t } = ctx(req);
      const updated = await work.changeStatus(actor, String(req.params.id), (body.status ?? '') as CaseStatus);
      return { flash: t('admin.cases.flash.status_changed', { status: t(`admin.cases.statuses.${updated.status}`) }) };
    }),
  );

  router.post(
    '/cases/:id/referrals',
    caseAction('referral', async (actor, body, req) => {
      const input = pick(body, ['to', 'agencyName', 'sentAt', 'dueAt', 'note'] as const);
      await work.addReferral(actor, String(req.params.id), input as ReferralInput);
      return { flash: ctx(req).t('admin.cases.flash.referred') };
    }),
  );

  router.post(
    '/cases/:id/referrals/:referralId/answer',
    caseAction('answer', async (actor, body, req) => {
      const { referral, message } = await work.recordReferralAnswer(actor, String(req.params.referralId), body.answer ?? '', { sendToChild: body.sendToChild });
      return { flash: ctx(req).t(message ? 'admin.cases.flash.answer_sent' : 'admin.cases.flash.answer_saved'), caseId: referral.caseId };
    }),
  );

  for (const blocked of [true, false]) {
    router.post(
      `/cases/:id/${blocked ? 'block' : 'unblock'}`,
      caseAction('contact', async (actor, _body, req) => {
        const id = String(req.params.id);
        await (blocked ? work.blockContact(actor, id) : work.unblockContact(actor, id));
        return { flash: ctx(req).t(blocked ? 'admin.cases.flash.blocked' : 'admin.cases.flash.unblocked') };
      }),
    );
  }

  router.use(auditRoutes(deps, work));
  return router;
}
