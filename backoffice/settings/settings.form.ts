import { z } from 'zod';
import defaultAreas from '../../cases/areas.default.json' with { type: 'json' };
import { RETENTION_LIMITS, SLA_LIMITS, type AreaSetting, type SlaSettings } from '../../models/index.js';

/**
 * The settings forms, parsed at the edge with the same rules the settings model enforces. An
 * empty hotline or group id means "use the server configuration's value".
 */
const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);

export const HotlinesForm = z.object({
  provinceNumber: z.preprocess(blankToNull, z.string().trim().regex(/^[0-9 +.-]{3,20}$/, 'errors.fields.invalid_format').nullable()),
  provinceName: z.preprocess(blankToNull, z.string().trim().min(1).max(80).nullable()),
});

export const AlertsForm = z.object({
  staffTelegramChatId: z.preprocess(blankToNull, z.string().trim().regex(/^-?\d{1,20}$/, 'errors.fields.invalid_format').nullable()),
});

/** The SLA fields as the form shows them: urgent in minutes, the others in hours, forwarded opinions in days. */
export const SLA_FIELDS = [
  { name: 'urgentMinutes', key: 'urgentMinutes', perUnit: 1 },
  { name: 'reportHours', key: 'reportMinutes', perUnit: 60 },
  { name: 'adviceHours', key: 'adviceMinutes', perUnit: 60 },
  { name: 'opinionHours', key: 'opinionMinutes', perUnit: 60 },
  { name: 'forwardedOpinionDays', key: 'forwardedOpinionDays', perUnit: 1 },
] as const satisfies readonly { name: string; key: keyof SlaSettings; perUnit: number }[];

/** Each field's allowed range in the form's own unit. */
export const slaRanges = () =>
  Object.fromEntries(SLA_FIELDS.map((f) => [f.name, { min: Math.ceil(SLA_LIMITS[f.key].min / f.perUnit), max: Math.floor(SLA_LIMITS[f.key].max / f.perUnit) }]));

const inRange = (name: (typeof SLA_FIELDS)[number]['name']) => {
  const { min, max } = slaRanges()[name]!;
  return z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(min).max(max));
};

export const SlaForm = z.object({
  urgentMinutes: inRange('urgentMinutes'),
  reportHours: inRange('reportHours'),
  adviceHours: inRange('adviceHours'),
  opinionHours: inRange('opinionHours'),
  forwardedOpinionDays: inRange('forwardedOpinionDays'),
});

/** One message for every way a retention period can be wrong: it says what is accepted. */
const RETENTION_INVALID = 'errors.fields.retention_days';

/** Days a closed case's words are kept; empty means the server configuration's RETENTION_DAYS. */
export const RetentionForm = z.object({
  retentionDays: z.preprocess(
    blankToNull,
    z.coerce
      .number({ error: RETENTION_INVALID })
      .int(RETENTION_INVALID)
      .min(RETENTION_LIMITS.min, RETENTION_INVALID)
      .max(RETENTION_LIMITS.max, RETENTION_INVALID)
      .nullable(),
  ),
});

export const slaFromForm = (form: Record<string, number>): SlaSettings =>
  Object.fromEntries(SLA_FIELDS.map((f) => [f.key, form[f.name]! * f.perUnit])) as unknown as SlaSettings;

export const slaToForm = (sla: SlaSettings): Record<string, string> =>
  Object.fromEntries(SLA_FIELDS.map((f) => [f.name, String(Math.round(sla[f.key] / f.perUnit))]));

// ── The area list as text ───────────────────────────────────────────────────────────────────

const NAME_MAX = 80;
const MAX_PROVINCES = 100;
const MAX_COMMUNES = 1_000;
const shippedAliases = new Map(defaultAreas.provinces.map((p) => [p.name, p.aliases]));

export type AreaTextError = { key: string; line?: number; province?: string };

const JsonAreas = z.object({
  provinces: z
    .array(
      z.object({
        name: z.string().trim().min(1).max(NAME_MAX),
        aliases: z.array(z.string().trim().min(1).max(NAME_MAX)).default([]),
        communes: z.array(z.string().trim().min(1).max(NAME_MAX)).default([]),
      }),
    )
    .max(MAX_PROVINCES),
});

/**
 * Reads the area list an admin typed or pasted: JSON (`{ "provinces": [...] }`), or one line per
 * commune `Tỉnh | Xã`, a line with a province alone, `Tỉnh = tên khác, tên khác` for aliases,
 * `#` comments. A province keeps the shipped aliases unless the text gives its own. Empty text
 * gives an empty list (the shipped list is used again).
 */
export function parseAreaText(text: string): { areas: AreaSetting[] } | { error: AreaTextError } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return parseAreaJson(trimmed);
  const byName = new Map<string, AreaSetting & { ownAliases: boolean }>();
  const province = (name: string) => {
    let p = byName.get(name);
    if (!p) byName.set(name, (p = { name, aliases: [...(shippedAliases.get(name) ?? [])], communes: [], ownAliases: false }));
    return p;
  };
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const at = i + 1;
    if (line.includes('=') && !line.includes('|')) {
      const [name = '', aliases = ''] = line.split('=', 2).map((s) => s.trim());
      const names = aliases.split(',').map((a) => a.trim()).filter(Boolean);
      const bad = checkNames([name, ...names], at);
      if (bad) return { error: bad };
      const p = province(name);
      if (!p.ownAliases) p.aliases = [];
      p.ownAliases = true;
      p.aliases.push(...names.filter((a) => !p.aliases.includes(a)));
      continue;
    }
    const parts = line.split('|').map((s) => s.trim());
    if (parts.length > 2) return { error: { key: 'too_many_parts', line: at } };
    const bad = checkNames(parts, at);
    if (bad) return { error: bad };
    const p = province(parts[0]!);
    if (parts[1] && !p.communes.includes(parts[1])) p.communes.push(parts[1]);
  }
  return checkSizes([...byName.values()].map(({ ownAliases: _, ...p }) => p));
}

function checkNames(names: string[], line: number): AreaTextError | null {
  if (names.some((n) => n === '')) return { key: 'empty_name', line };
  if (names.some((n) => n.length > NAME_MAX)) return { key: 'too_long', line };
  return null;
}

function checkSizes(areas: AreaSetting[]): { areas: AreaSetting[] } | { error: AreaTextError } {
  if (areas.length > MAX_PROVINCES) return { error: { key: 'too_many_provinces' } };
  const big = areas.find((a) => a.communes.length > MAX_COMMUNES);
  return big ? { error: { key: 'too_many_communes', province: big.name } } : { areas };
}

function parseAreaJson(text: string): { areas: AreaSetting[] } | { error: AreaTextError } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { error: { key: 'json' } };
  }
  const parsed = JsonAreas.safeParse(data);
  if (!parsed.success) return { error: { key: 'json' } };
  const merged = new Map<string, AreaSetting>();
  for (const p of parsed.data.provinces) {
    const into = merged.get(p.name) ?? { name: p.name, aliases: [], communes: [] };
    into.aliases = [...new Set([...into.aliases, ...p.aliases])];
    into.communes = [...new Set([...into.communes, ...p.communes])];
    merged.set(p.name, into);
  }
  return checkSizes([...merged.values()]);
}

/** The area list as the text format above, for the textarea. */
export function formatAreaText(areas: Pick<AreaSetting, 'name' | 'aliases' | 'communes'>[]): string {
  const lines: string[] = [];
  for (const a of areas) {
    if (a.aliases.length) lines.push(`${a.name} = ${a.aliases.join(', ')}`);
    if (a.communes.length === 0) lines.push(a.name);
    for (const c of a.communes) lines.push(`${a.name} | ${c}`);
  }
  return lines.join('\n');
}
