import { formatDate, formatTimeLeft } from '../app/time.js';
import { tr, type Lang } from '../locales/i18n.js';
import type { Notification } from '../models/index.js';

/**
 * A notification's words in a language: the event's sentence with the case code, kind,
 * priority, province and how late, made from its params (never from the child's words).
 */
export function notificationText(n: Pick<Notification, 'event' | 'params' | 'createdAt'>, lang: Lang): string {
  const t = tr(lang);
  const p = n.params;
  const due = typeof p.dueAt === 'string' ? new Date(p.dueAt) : null;
  return t(`notify.events.${n.event}`, {
    ...p,
    kind: p.kind ? t(`notify.kinds.${String(p.kind)}`) : '',
    priority: p.priority ? t(`notify.priorities.${String(p.priority)}`) : '',
    province: p.province || t('notify.province_unknown'),
    when: due ? formatTimeLeft(due, n.createdAt, lang) : '',
    dueAt: due ? formatDate(due, lang) : '',
  });
}
