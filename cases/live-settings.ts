import type { Logger } from '../app/logger.js';
import { defaultHolidayCalendar, WorkingDays } from '../app/working-days.js';
import { DEFAULT_ESCALATION, DEFAULT_SLA_SETTINGS, SETTINGS_ID, SettingsModel, type EscalationSettings, type Settings, type SlaSettings } from '../models/index.js';
import type { Store } from '../store/index.js';
import { normalizeCaseAreas } from './area-backfill.js';
import { AreaDirectory } from './area-directory.js';
import defaultAreas from './areas.default.json' with { type: 'json' };

/** How often an instance re-reads the settings another instance may have saved. */
export const SETTINGS_REFRESH_MS = 60_000;

/** What an admin may change; each part replaces the saved one whole. */
export type SettingsPatch = Partial<Pick<Settings, 'hotlines' | 'staffTelegramChatId' | 'sla' | 'areas' | 'escalation' | 'holidays' | 'retentionDays' | 'cannedReplies'>>;

/** The values from the environment, used while an admin has not saved their own. */
export interface SettingsDefaults {
  provinceHotline?: string | undefined;
  provinceName?: string | undefined;
  staffTelegramChatId?: string | undefined;
}

/** The settings in force: the saved ones, else the environment's, else the shipped defaults. */
export interface EffectiveSettings {
  provinceHotline: string | undefined;
  provinceName: string | undefined;
  staffTelegramChatId: string | undefined;
  sla: SlaSettings;
  escalation: EscalationSettings;
  /** Working days over the holiday list in force. */
  workingDays: WorkingDays;
  /** Days a closed case's words are kept, when an admin set it (else RETENTION_DAYS). */
  retentionDays: number | null;
}

/** In-process caches of each store, refreshed as soon as a save in this process lands. */
const caches = new WeakMap<Store, Set<LiveSettings>>();

/** Reads the one settings document (null until an admin saves). */
export function readSettings(store: Store): Promise<Settings | null> {
  return store.collection(SettingsModel).findOne({ _id: SETTINGS_ID });
}

/**
 * Saves part of the settings document (created on the first save), matches earlier cases'
 * typed places to a new area list, and refreshes this process's caches before returning, so
 * the next message the bot sends uses the new values.
 * Other instances pick the change up within SETTINGS_REFRESH_MS.
 */
export async function saveSettings(store: Store, actorId: string, patch: SettingsPatch): Promise<Settings> {
  const saved = await store.collection(SettingsModel).findOneAndUpdate({ _id: SETTINGS_ID }, { $set: { ...patch, updatedBy: actorId } }, { upsert: true });
  // A new area list may name places children typed before: those cases get its names.
  if (patch.areas) await normalizeCaseAreas(store, areaDirectoryOf(saved));
  await Promise.all([...(caches.get(store) ?? [])].map((live) => live.refresh()));
  return saved!;
}

/** The area list the conversation offers: the saved one, or the 34 provincial units shipped. */
export function areaDirectoryOf(saved: Settings | null): AreaDirectory {
  return saved?.areas.length ? new AreaDirectory({ provinces: saved.areas }) : new AreaDirectory(defaultAreas);
}

/**
 * The admin settings as the bot and the case service read them on every message: kept in
 * memory, read again every minute and whenever this process saves them.
 */
export class LiveSettings {
  private saved: Settings | null = null;
  private directory: AreaDirectory = areaDirectoryOf(null);
  private workingDays = new WorkingDays(defaultHolidayCalendar());
  private timer: NodeJS.Timeout | null = null;
  /** Reads are numbered so that a slow, older read never overwrites a newer one. */
  private reads = 0;
  private applied = 0;

  /** The area list for the conversation; follows the saved list as it changes. */
  readonly areas: AreaDirectory = new LiveAreaDirectory(() => this.directory);

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly defaults: SettingsDefaults = {},
  ) {}

  async start(refreshMs = SETTINGS_REFRESH_MS): Promise<this> {
    await this.refresh();
    let set = caches.get(this.store);
    if (!set) caches.set(this.store, (set = new Set()));
    set.add(this);
    this.timer = setInterval(() => void this.refresh().catch((err: unknown) => this.logger.error({ err }, 'settings refresh failed')), refreshMs);
    this.timer.unref();
    return this;
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    caches.get(this.store)?.delete(this);
  }

  async refresh() {
    const n = ++this.reads;
    const saved = await readSettings(this.store);
    if (n < this.applied) return;
    this.applied = n;
    this.saved = saved;
    this.directory = areaDirectoryOf(saved);
    this.workingDays = new WorkingDays(saved?.holidays ?? defaultHolidayCalendar());
  }

  current(): EffectiveSettings {
    const s = this.saved;
    return {
      provinceHotline: s?.hotlines.provinceNumber ?? this.defaults.provinceHotline,
      provinceName: s?.hotlines.provinceName ?? this.defaults.provinceName,
      staffTelegramChatId: s?.staffTelegramChatId ?? this.defaults.staffTelegramChatId,
      sla: { ...DEFAULT_SLA_SETTINGS, ...s?.sla },
      escalation: { ...DEFAULT_ESCALATION, ...s?.escalation },
      workingDays: this.workingDays,
      retentionDays: s?.retentionDays ?? null,
    };
  }
}

/** An AreaDirectory that answers from whichever list is in force at the time of the question. */
class LiveAreaDirectory extends AreaDirectory {
  constructor(private readonly now: () => AreaDirectory) {
    super(defaultAreas);
  }
  override provinceNames(first?: string) {
    return this.now().provinceNames(first);
  }
  override fingerprint() {
    return this.now().fingerprint();
  }
  override communes(province: string) {
    return this.now().communes(province);
  }
  override matchProvince(typed: string) {
    return this.now().matchProvince(typed);
  }
  override matchCommune(province: string | null, typed: string) {
    return this.now().matchCommune(province, typed);
  }
}
