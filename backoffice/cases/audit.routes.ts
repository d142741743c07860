import { Router } from 'express';
import { findCaseCode } from '../../cases/case-code.js';
import type { AuditPage, CaseWorkService } from '../../cases/case-work.service.js';
import { StaffModel } from '../../models/index.js';
import { requireRole } from '../auth/auth.middleware.js';
import { ctx, type BackofficeDeps } from '../context.js';
import { render } from '../render.js';
import { auditView, stringsOf } from './case-view.js';

/**
 * `GET /audit`, admins only: the whole audit log, newest first, paged, optionally narrowed to
 * one case by its code.
 */
export function auditRoutes(deps: BackofficeDeps, work: CaseWorkService): Router {
  const router = Router();
  router.get('/audit', requireRole('admin'), async (req, res) => {
    const { principal, t } = ctx(req);
    const actor = principal!;
    const query = stringsOf(req.query);
    const typed = (query.code ?? '').trim();
    const page = /^\d{1,5}$/.test(query.page ?? '') ? Number(query.page) : 1;
    let caseId: string | undefined;
    let notFound = false;
    if (typed) {
      const code = findCaseCode(typed);
      const hit = code ? (await work.listCases(actor, { q: code, pageSize: 1 })).items[0] : undefined;
      caseId = hit?._id;
      notFound = !hit;
    }
    const log: AuditPage = notFound ? { items: [], total: 0, page: 1, pageSize: 50, senderRoles: {} } : await work.auditLog(actor, { caseId, page: Math.max(1, page) });
    const ids = log.items.flatMap((e) => [e.actorId, typeof e.details.to === 'string' ? e.details.to : null, typeof e.details.from === 'string' ? e.details.from : null]);
    const staff = await deps.store.collection(StaffModel).find({ _id: { $in: [...new Set(ids.filter((id): id is string => !!id))] } });
    const names = Object.fromEntries(staff.map((s) => [s._id, s.name]));
    const pages = Math.max(1, Math.ceil(log.total / log.pageSize));
    const href = (p: number) => `/admin/audit?${new URLSearchParams({ ...(typed ? { code: typed } : {}), page: String(p) }).toString()}`;
    render(req, res, 'cases/audit.njk', {
      rows: log.items.map((e) => auditView(e, names, t, log.senderRoles)),
      total: log.total,
      page: log.page,
      pages,
      code: typed,
      notFound,
      prevHref: log.page > 1 ? href(log.page - 1) : null,
      nextHref: log.page < pages ? href(log.page + 1) : null,
    });
  });
  return router;
}
