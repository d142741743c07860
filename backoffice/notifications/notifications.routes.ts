import { Router } from 'express';
import { z } from 'zod';
import { formatDate } from '../../app/time.js';
import { notificationText } from '../../notifications/notification-text.js';
import { ctx, type BackofficeDeps } from '../context.js';
import { render } from '../render.js';

const IdParam = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
/** The live script asks this often (the bell, the live inbox). */
export const POLL_SECONDS = 15;

/**
 * Staff notifications in the back office: the bell's unread count on every page (set here for
 * the layout), the notifications page (with one-click reassignment to the suggested counsellor,
 * one's own e-mail choice, and for admins the alerts that could not be delivered), and the JSON
 * the live script polls (same origin; the CSP allows no inline script).
 */
export function notificationRoutes(deps: BackofficeDeps): Router {
  const router = Router();
  const service = deps.notifications;

  router.use(async (req, res, next) => {
    const staff = ctx(req).staff;
    if (staff) res.locals.unread = await service.unreadCount(staff._id);
    next();
  });

  router.get('/notifications', async (req, res) => {
    const { staff, lang } = ctx(req);
    const page = Math.max(1, Number.parseInt(String(req.query.page ?? '1'), 10) || 1);
    const list = await service.list(staff!._id, page);
    const failed = staff!.role === 'admin' ? await service.failedDeliveries() : [];
    render(req, res, 'notifications/notifications.njk', {
      items: list.items.map((n) => ({ ...n, text: notificationText(n, lang), at: formatDate(n.createdAt, lang) })),
      failed: failed.map((f) => ({ channel: f.channel, who: f.recipientName, status: f.status, attempts: f.attempts, error: f.lastError, at: formatDate(f.updatedAt, lang) })),
      emailOn: deps.config.SMTP_URL !== undefined,
      emailAlerts: staff!.emailAlerts !== false,
      manager: staff!.role !== 'counsellor',
      page,
      pages: Math.max(1, Math.ceil(list.total / list.pageSize)),
    });
  });

  /** Opens a notification: marks it read and goes where it leads. */
  router.get('/notifications/:id/open', async (req, res) => {
    const { staff } = ctx(req);
    const id = IdParam.safeParse(req.params.id);
    const found = id.success ? (await service.list(staff!._id, 1)).items.find((n) => n._id === id.data) : undefined;
    if (id.success) await service.markRead(staff!._id, id.data);
    res.redirect(303, found?.link ?? '/admin/notifications');
  });

  router.post('/notifications/read', async (req, res) => {
    const { staff, t } = ctx(req);
    await service.markRead(staff!._id, null);
    req.session.flash = t('admin.notify.all_read');
    res.redirect(303, '/admin/notifications');
  });

  router.post('/notifications/email', async (req, res) => {
    const { staff, t } = ctx(req);
    const on = (req.body as Record<string, unknown>)?.emailAlerts === 'on';
    await service.setEmailAlerts(staff!._id, on);
    req.session.flash = t(on ? 'admin.notify.email_on' : 'admin.notify.email_off');
    res.redirect(303, '/admin/notifications');
  });

  /** What the live script needs: the unread count, the newest unread, and whether the inbox changed. */
  router.get('/notifications/poll', async (req, res) => {
    const { staff, lang } = ctx(req);
    await service.seen(staff!._id);
    const [unread, latest, casesVersion] = await Promise.all([service.unreadCount(staff!._id), service.latestUnread(staff!._id), service.casesVersion()]);
    res.json({
      unread,
      latest: latest.map((n) => ({ id: n._id, text: notificationText(n, lang), urgent: n.urgent, href: `/admin/notifications/${n._id}/open` })),
      casesVersion,
      pollSeconds: POLL_SECONDS,
    });
  });

  return router;
}
