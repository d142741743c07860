import path from 'node:path';
import type { Request, Response } from 'express';
import nunjucks from 'nunjucks';
import { formatDate, formatTimeLeft, type DateStyle } from '../app/time.js';
import { isLang, type Lang } from '../locales/i18n.js';
import { ctx } from './context.js';
import { sourceDirOf } from '../app/source-dir.js';

const viewsDir = path.join(sourceDirOf(import.meta.url), 'views');

/** Nunjucks with autoescaping on: whatever a child wrote is shown as text, never as HTML. */
export const views = new nunjucks.Environment(new nunjucks.FileSystemLoader(viewsDir, { noCache: false }), {
  autoescape: true,
  throwOnUndefined: false,
});

const langOf = (lang: unknown): Lang => (isLang(lang) ? lang : 'vi');
const asDate = (value: unknown) => (value instanceof Date ? value : new Date(String(value)));
/** `{{ d | datetime(lang) }}`, `{{ d | datetime(lang, 'date') }}`: Vietnam's time (app/time.ts). */
views.addFilter('datetime', (value: unknown, lang: unknown = 'vi', style: DateStyle = 'datetime') =>
  value ? formatDate(asDate(value), langOf(lang), style) : '',
);
/** `{{ due | timeleft(lang) }}`: "còn 52 phút", "trễ 3 giờ". */
views.addFilter('timeleft', (value: unknown, lang: unknown = 'vi') => {
  const d = value ? asDate(value) : null;
  return d && !Number.isNaN(d.getTime()) ? formatTimeLeft(d, new Date(), langOf(lang)) : '';
});

/** Renders a view with the request's language, translate function, CSRF token and staff member. */
export function render(req: Request, res: Response, view: string, data: Record<string, unknown> = {}, status = 200) {
  const c = ctx(req);
  const flash = req.session?.flash;
  if (flash && req.session) delete req.session.flash;
  const html = views.render(view, {
    lang: c.lang,
    t: c.t,
    staff: c.staff ?? null,
    csrfToken: res.locals.csrfToken ?? '',
    unread: res.locals.unread ?? 0,
    path: req.originalUrl,
    flash,
    ...data,
  });
  res.status(status).type('html').send(html);
}
