import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response } from 'express';
import nunjucks from 'nunjucks';
import { ctx } from './context.js';

const viewsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'views');

/** Nunjucks with autoescaping on: whatever a child wrote is shown as text, never as HTML. */
export const views = new nunjucks.Environment(new nunjucks.FileSystemLoader(viewsDir, { noCache: false }), {
  autoescape: true,
  throwOnUndefined: false,
});

const dateFormat = (lang: string) =>
  new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Asia/Ho_Chi_Minh' });
views.addFilter('datetime', (value: unknown, lang = 'vi') => {
  if (!value) return '';
  const d = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(d.getTime()) ? '' : dateFormat(lang).format(d);
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
    path: req.originalUrl,
    flash,
    ...data,
  });
  res.status(status).type('html').send(html);
}
