import { defaultHolidayCalendar, WorkingDays } from '../app/working-days.js';
import { DEFAULT_ESCALATION, DEFAULT_SLA_SETTINGS, type CannedReply, type EscalationSettings, SETTINGS_ID, SettingsModel, type AreaSetting, type SlaSettings } from '../models/index.js';
import type { Store } from '../store/index.js';
import defaultAreas from './areas.default.json' with { type: 'json' };

/** What staff work needs from the admin settings: the SLA policy and the area list. */
export interface WorkSettings {
  sla: SlaSettings;
  /** Provinces with their communes; the shipped list of the 34 provincial units until an admin saves one. */
  areas: Pick<AreaSetting, 'name' | 'communes'>[];
  /** The canned replies an admin saved; empty means "offer the shipped ones". */
  cannedReplies: CannedReply[];
  escalation: EscalationSettings;
  /** Working days over the saved holiday list (the shipped 2025–2030 list until one is saved). */
  workingDays: WorkingDays;
}

/** Reads the settings document, falling back to the defaults for whatever is not saved yet. */
export async function readWorkSettings(store: Store): Promise<WorkSettings> {
  const saved = await store.collection(SettingsModel).findOne({ _id: SETTINGS_ID });
  return {
    sla: { ...DEFAULT_SLA_SETTINGS, ...saved?.sla },
    areas: saved?.areas.length ? saved.areas : defaultAreas.provinces.map((p) => ({ name: p.name, communes: [] })),
    cannedReplies: saved?.cannedReplies ?? [],
    escalation: { ...DEFAULT_ESCALATION, ...saved?.escalation },
    workingDays: new WorkingDays(saved?.holidays ?? defaultHolidayCalendar()),
  };
}

/** True when `province` (and `commune`, when the province lists its communes) is in the area list. */
export function isKnownArea(settings: WorkSettings, province: string, commune?: string | null): boolean {
  const found = settings.areas.find((a) => a.name === province);
  if (!found) return false;
  return !commune || found.communes.length === 0 || found.communes.includes(commune);
}
