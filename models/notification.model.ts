import { Schema } from 'mongoose';
import { defineModel } from './define.js';

/**
 * What a staff member is told: an urgent case, a rung of the escalation ladder, a failed alert,
 * a report coming due. Stored, so any instance serves the bell and the notifications page.
 * It names the case (code, kind, priority, province, how late) and links to it — never the
 * child's words. The text is made from `event` and `params` in the reader's language.
 */
export interface Notification {
  _id: string;
  staffId: string;
  /** The i18n key under `notify.events.` (urgent, ladder_1 … ladder_3, agency_1 …, alert_failed…). */
  event: string;
  /** Values for the text: case code, kind, priority, province, due time — no message text. */
  params: Record<string, string | number | boolean | null>;
  caseId: string | null;
  /** Where the notification leads, a back-office path (e.g. `/admin/cases/<id>`). */
  link: string;
  urgent: boolean;
  readAt: Date | null;
  /** One notification per event and person: `<event key>:<staffId>`. */
  dedupeKey: string;
  createdAt: Date;
  updatedAt: Date;
}

export const NotificationModel = defineModel<Notification>(
  'notifications',
  {
    staffId: { type: String, required: true },
    event: { type: String, required: true, match: /^[a-z_][\w.]{0,60}$/ },
    params: { type: Schema.Types.Mixed, default: () => ({}) },
    caseId: { type: String, default: null },
    link: { type: String, required: true, match: /^\/admin(\/[\w\-./?=&#%]*)?$/ },
    urgent: { type: Boolean, default: false },
    readAt: { type: Date, default: null },
    dedupeKey: { type: String, required: true },
  },
  (s) => {
    s.index({ dedupeKey: 1 }, { unique: true });
    s.index({ staffId: 1, readAt: 1, createdAt: -1 });
    s.index({ staffId: 1, createdAt: -1 });
  },
);
