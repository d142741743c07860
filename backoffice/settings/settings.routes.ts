import { Router, type Request, type Response } from 'express';
import type { TFunction } from 'i18next';
import defaultAreas from '../../cases/areas.default.json' with { type: 'json' };
import { parseInput } from '../../cases/case-work.schemas.js';
import { readSettings, saveSettings, type SettingsPatch } from '../../cases/live-settings.js';
import { readWorkSettings } from '../../cases/work-settings.js';
import { defaultHolidayCalendar } from '../../app/working-days.js';
import { ESCALATION_LIMITS, type Settings } from '../../models/index.js';
import { requireRole } from '../auth/auth.middleware.js';
import { fieldErrorsOf, stringsOf, type FieldErrors } from '../cases/case-view.js';
import { ctx, type BackofficeDeps } from '../context.js';
import { render } from '../render.js';
import { formatCannedText, parseCannedText, shippedCannedReplies } from './canned-replies.form.js';
import { ESCALATION_FIELDS, EscalationForm, escalationToForm, holidaysFromForm, holidaysToForm } from './reminders.form.js';
import { AlertsForm, formatAreaText, HotlinesForm, parseAreaText, RetentionForm, SLA_FIELDS, slaFromForm, slaRanges, SlaForm, slaToForm } from './settings.form.js';

type Section = 'hotlines' | 'alerts' | 'sla' | 'escalation' | 'holidays' | 'areas' | 'retention' | 'canned';

/** Which top-level and nested fields a patch changes, for the audit log (values left out). */
function changedFields(saved: Settings | null, patch: SettingsPatch): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    const before = (saved as Record<string, unknown> | null)?.[key];
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [sub, v] of Object.entries(value)) {
        if (JSON.stringify((before as Record<string, unknown> | undefined)?.[sub] ?? null) !== JSON.stringify(v ?? null)) out.push(`${key}.${sub}`);
      }
    } else if (JSON.stringify(before ?? (Array.isArray(value) ? [] : null)) !== JSON.stringify(value ?? null)) {
      out.push(key);
    }
  }
  return out;
}

/**
 * Admin settings: the provincial hotline, the staff alert group, the SLA policy and the area
 * list (each its own form, saved and audited on its own), and which channels are connected.
 */
export function settingsRoutes(deps: BackofficeDeps): Router {
  const router = Router();
  router.use('/settings', requireRole('admin'));

  async function page(req: Request, res: Response, failed?: { section: Section; errors: FieldErrors; values: Record<string, string> }, status = 200) {
    const [saved, work] = await Promise.all([readSettings(deps.store), readWorkSettings(deps.store)]);
    const { config } = deps;
    const channels = await deps.channels.list();
    const current = {
      hotlines: { provinceNumber: saved?.hotlines.provinceNumber ?? '', provinceName: saved?.hotlines.provinceName ?? '' },
      alerts: { staffTelegramChatId: saved?.staffTelegramChatId ?? '' },
      sla: slaToForm(work.sla),
      retention: { retentionDays: saved?.retentionDays ? String(saved.retentionDays) : '' },
      escalation: escalationToForm(work.escalation),
      holidays: holidaysToForm(saved?.holidays ?? defaultHolidayCalendar()),
      // Until an admin saves a list, the shipped one is shown to start from.
      areas: { areas: formatAreaText(saved?.areas.length ? saved.areas : defaultAreas.provinces.map((p) => ({ ...p, communes: [] }))) },
      canned: { canned: formatCannedText(work.cannedReplies.length ? work.cannedReplies : shippedCannedReplies(ctx(req).t), ctx(req).t) },
    };
    const values = failed ? { ...current, [failed.section]: failed.values } : current;
    render(
      req,
      res,
      'settings/settings.njk',
      {
        values,
        errors: failed ? { [failed.section]: failed.errors } : {},
        retentionDefault: config.RETENTION_DAYS,
        defaults: { provinceNumber: config.PROVINCE_HOTLINE ?? null, provinceName: config.PROVINCE_NAME ?? null, staffTelegramChatId: config.STAFF_TELEGRAM_CHAT_ID ?? null },
        slaFields: SLA_FIELDS.map((f) => f.name),
        slaRanges: slaRanges(),
        cannedSaved: work.cannedReplies.length > 0,
        escalationFields: ESCALATION_FIELDS,
        escalationRanges: ESCALATION_LIMITS,
        holidaysSaved: Boolean(saved?.holidays),
        areaCount: saved?.areas.length ? { provinces: saved.areas.length, communes: saved.areas.reduce((n, a) => n + a.communes.length, 0) } : null,
        telegramOn: channels.some((ch) => ch.channel === 'telegram' && ch.mode !== 'off'),
        channels,
      },
      status,
    );
  }

  router.get('/settings', (req, res) => page(req, res));

  /** One settings form: parse, save what changed, audit the field names, back to the page. */
  const section = (name: Section, toPatch: (body: Record<string, string>, t: TFunction) => SettingsPatch | { errors: FieldErrors }) =>
    async (req: Request, res: Response) => {
      const { t, staff } = ctx(req);
      const body = stringsOf(req.body);
      let patch: SettingsPatch | { errors: FieldErrors };
      try {
        patch = toPatch(body, t);
      } catch (err) {
        const errors = fieldErrorsOf(err, t);
        if (!errors) throw err;
        patch = { errors };
      }
      if ('errors' in patch) return page(req, res, { section: name, errors: patch.errors, values: body }, 400);
      const fields = changedFields(await readSettings(deps.store), patch);
      if (fields.length) {
        await saveSettings(deps.store, staff!._id, patch);
        await deps.cases.record('staff', staff!._id, 'settings.updated', null, { fields });
      }
      req.session.flash = t(fields.length ? `admin.settings.saved.${name}` : 'admin.settings.saved.unchanged');
      res.redirect(303, `/admin/settings#${name}`);
    };

  router.post('/settings/hotlines', section('hotlines', (body) => ({ hotlines: parseInput(HotlinesForm, body) })));
  router.post('/settings/alerts', section('alerts', (body) => parseInput(AlertsForm, body)));
  router.post('/settings/sla', section('sla', (body) => ({ sla: slaFromForm(parseInput(SlaForm, body)) })));
  router.post('/settings/escalation', section('escalation', (body) => ({ escalation: parseInput(EscalationForm, body) })));
  router.post(
    '/settings/holidays',
    section('holidays', (body, t) => {
      const parsed = holidaysFromForm(body);
      if ('holidays' in parsed) return parsed;
      const errors = Object.fromEntries(Object.entries(parsed.errors).map(([k, e]) => [k, t(`admin.settings.holidays.errors.${e.key}`, { line: e.line })]));
      return { errors };
    }),
  );
  router.post('/settings/retention', section('retention', (body) => parseInput(RetentionForm, body)));
  router.post(
    '/settings/areas',
    section('areas', (body, t) => {
      const parsed = parseAreaText(body.areas ?? '');
      if ('areas' in parsed) return { areas: parsed.areas };
      const { key, ...vars } = parsed.error;
      return { errors: { areas: t(`admin.settings.areas.errors.${key}`, vars) } };
    }),
  );

  router.post(
    '/settings/canned',
    section('canned', (body, t) => {
      const parsed = parseCannedText(body.canned ?? '');
      if ('replies' in parsed) return { cannedReplies: parsed.replies };
      const { key, ...vars } = parsed.error;
      return { errors: { canned: t(`admin.canned.errors.${key}`, vars) } };
    }),
  );

  return router;
}
