import { defineModel, sub } from './define.js';

/** The one settings document's id: the collection holds a single document. */
export const SETTINGS_ID = 'settings';

/**
 * First-response deadlines (minutes) and the agency answer period (days). Defaults from
 * DOMAIN.md after Decree 56/2017/NĐ-CP Art. 25-28 and Law on Children Art. 34; localities may
 * shorten them (a Hà Nội ward uses 8 hours), so admins edit every value.
 */
export interface SlaSettings {
  urgentMinutes: number;
  reportMinutes: number;
  adviceMinutes: number;
  opinionMinutes: number;
  /** Days an agency has to answer a forwarded opinion. */
  forwardedOpinionDays: number;
}

/** One province of the area list, with its communes (2025 reform: no district level). */
export interface AreaSetting {
  name: string;
  aliases: string[];
  communes: string[];
}

/** Whom a canned reply is written to: a child (as "em"), or an adult writing about a child (as "anh/chị"). */
export const CANNED_REPLY_AUDIENCES = ['child', 'adult'] as const;
export type CannedReplyAudience = (typeof CANNED_REPLY_AUDIENCES)[number];

/**
 * A reply counsellors can pick in the reply box (e.g. the standard referral to 111), then edit.
 * `audience` and `lang` say whom it fits (offered only for such a case); none fits every case.
 */
export interface CannedReply {
  title: string;
  text: string;
  audience?: CannedReplyAudience | null;
  lang?: 'vi' | 'en' | null;
}
export const CANNED_REPLY_LIMITS = { count: 30, title: 80, text: 3_500 } as const;

/**
 * The escalation ladder of an unanswered case (scheduler/ladder): the assignee is reminded at
 * `remindAtPercent` of the time to the deadline; the province's coordinators at the deadline;
 * the admins `adminAfterMinutes` after it; each rung again every `repeatMinutes`.
 */
export interface EscalationSettings {
  remindAtPercent: number;
  repeatMinutes: number;
  adminAfterMinutes: number;
}

/** A public holiday or a moved working day, `YYYY-MM-DD` in Vietnam. */
export interface HolidaySetting {
  date: string;
  name: string;
}

/** What admins set in the back office: hotline, staff alerts, SLA policy, reminders, holidays, the area list, canned replies. */
export interface Settings {
  _id: string;
  hotlines: {
    /** The provincial hotline shown beside 111, e.g. "1800 8079". */
    provinceNumber: string | null;
    provinceName: string | null;
  };
  /** The staff Telegram group for alerts, e.g. "-1001234567890". */
  staffTelegramChatId: string | null;
  sla: SlaSettings;
  areas: AreaSetting[];
  /** Empty until an admin saves a list: then the shipped ones (in the staff member's language) are offered. */
  cannedReplies: CannedReply[];
  escalation: EscalationSettings;
  /** The holiday list for working-day deadlines; null until an admin saves one (app/working-days.ts ships 2025–2030). */
  holidays: { daysOff: HolidaySetting[]; workingDays: HolidaySetting[] } | null;
  /** Days the words and files of a closed case are kept (null: RETENTION_DAYS from the environment). */
  retentionDays: number | null;
  /** The admin who saved the settings last. */
  updatedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The values used while no admin has saved settings (DOMAIN.md: time limits). */
export const DEFAULT_SLA_SETTINGS: SlaSettings = {
  urgentMinutes: 60,
  reportMinutes: 12 * 60,
  adviceMinutes: 24 * 60,
  opinionMinutes: 3 * 24 * 60,
  forwardedOpinionDays: 30,
};

export const DEFAULT_ESCALATION: EscalationSettings = { remindAtPercent: 75, repeatMinutes: 60, adminAfterMinutes: 120 };

export const ESCALATION_LIMITS: Record<keyof EscalationSettings, { min: number; max: number }> = {
  remindAtPercent: { min: 10, max: 95 },
  repeatMinutes: { min: 5, max: 7 * 24 * 60 },
  adminAfterMinutes: { min: 0, max: 7 * 24 * 60 },
};

/** Allowed ranges: urgent cases never beyond the 12-hour intervention limit (Decree 56 Art. 26 cl. 3). */
export const SLA_LIMITS: Record<keyof SlaSettings, { min: number; max: number }> = {
  urgentMinutes: { min: 5, max: 12 * 60 },
  reportMinutes: { min: 15, max: 7 * 24 * 60 },
  adviceMinutes: { min: 15, max: 14 * 24 * 60 },
  opinionMinutes: { min: 60, max: 30 * 24 * 60 },
  forwardedOpinionDays: { min: 1, max: 180 },
};

/** Retention of a closed case's words: at least a month (staff may still need them), at most ten years. */
export const RETENTION_LIMITS = { min: 30, max: 3650 };

const PHONE = /^[0-9 +.-]{3,20}$/;
const TELEGRAM_CHAT_ID = /^-?\d{1,20}$/;

const whole = { validator: Number.isInteger, message: '{PATH} must be a whole number' };
const slaField = (key: keyof SlaSettings) => ({
  type: Number,
  required: true,
  min: SLA_LIMITS[key].min,
  max: SLA_LIMITS[key].max,
  validate: whole,
  default: DEFAULT_SLA_SETTINGS[key],
});
const escalationField = (key: keyof EscalationSettings) => ({
  type: Number,
  required: true,
  min: ESCALATION_LIMITS[key].min,
  max: ESCALATION_LIMITS[key].max,
  validate: whole,
  default: DEFAULT_ESCALATION[key],
});
const holiday = sub({ date: { type: String, required: true, match: /^\d{4}-\d{2}-\d{2}$/ }, name: { type: String, trim: true, maxlength: 120, default: '' } });
const holidayList = { type: [holiday], default: [], validate: { validator: (v: unknown[]) => v.length <= 2_000, message: 'at most 2000 days' } };
const areaName = { type: String, trim: true, minlength: 1, maxlength: 80 };

export const SettingsModel = defineModel<Settings>(
  'settings',
  {
    hotlines: {
      type: sub({
        provinceNumber: { type: String, trim: true, match: PHONE, default: null },
        provinceName: { type: String, trim: true, minlength: 1, maxlength: 80, default: null },
      }),
      default: () => ({}),
    },
    staffTelegramChatId: { type: String, trim: true, match: TELEGRAM_CHAT_ID, default: null },
    sla: {
      type: sub({
        urgentMinutes: slaField('urgentMinutes'),
        reportMinutes: slaField('reportMinutes'),
        adviceMinutes: slaField('adviceMinutes'),
        opinionMinutes: slaField('opinionMinutes'),
        forwardedOpinionDays: slaField('forwardedOpinionDays'),
      }),
      default: () => ({}),
    },
    areas: {
      type: [
        sub({
          name: { ...areaName, required: true },
          aliases: { type: [areaName], default: [] },
          communes: {
            type: [{ ...areaName, required: true }],
            default: [],
            validate: { validator: (v: unknown[]) => v.length <= 1_000, message: 'at most 1000 communes per province' },
          },
        }),
      ],
      default: [],
      validate: {
        validator: (v: { name: string }[]) => v.length <= 100 && new Set(v.map((a) => a.name)).size === v.length,
        message: 'at most 100 provinces, each named once',
      },
    },
    cannedReplies: {
      type: [
        sub({
          title: { type: String, trim: true, required: true, minlength: 1, maxlength: CANNED_REPLY_LIMITS.title },
          text: { type: String, trim: true, required: true, minlength: 1, maxlength: CANNED_REPLY_LIMITS.text },
          audience: { type: String, enum: [...CANNED_REPLY_AUDIENCES, null], default: null },
          lang: { type: String, enum: ['vi', 'en', null], default: null },
        }),
      ],
      default: [],
      validate: { validator: (v: unknown[]) => v.length <= CANNED_REPLY_LIMITS.count, message: `at most ${CANNED_REPLY_LIMITS.count} canned replies` },
    },
    escalation: {
      type: sub({
        remindAtPercent: escalationField('remindAtPercent'),
        repeatMinutes: escalationField('repeatMinutes'),
        adminAfterMinutes: escalationField('adminAfterMinutes'),
      }),
      default: () => ({}),
    },
    holidays: { type: sub({ daysOff: holidayList, workingDays: holidayList }), default: null },
    retentionDays: { type: Number, min: RETENTION_LIMITS.min, max: RETENTION_LIMITS.max, validate: { validator: (v: unknown) => v === null || Number.isInteger(v), message: '{PATH} must be a whole number' }, default: null },
    updatedBy: { type: String, default: null },
  },
  (s) => {
    s.path('_id').default(SETTINGS_ID);
    s.path('_id').validate((v: unknown) => v === SETTINGS_ID, 'the settings are one document');
  },
);
