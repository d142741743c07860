/**
 * The domain's closed vocabularies, shared by the models, the bot and the back office.
 * Sources: Law on Children 102/2016/QH13 Art. 4 (harm types); the Children's Forum topics
 * (seed 002); DOMAIN.md. Labels live in `locales/`.
 */
export const CHANNELS = ['telegram', 'web', 'zalo'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CASE_KINDS = ['opinion', 'report', 'advice'] as const;
export type CaseKind = (typeof CASE_KINDS)[number];

/** The workflow of PRODUCT.md; `closed` may be reopened. */
export const CASE_STATUSES = ['new', 'triaged', 'in_progress', 'waiting', 'referred', 'resolved', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const PRIORITIES = ['normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * How serious the risk in a case is (issue 7): `danger_now` and `serious` make it urgent,
 * `concern` makes it high priority. Most serious first.
 */
export const RISK_SEVERITIES = ['danger_now', 'serious', 'concern'] as const;
export type RiskSeverity = (typeof RISK_SEVERITIES)[number];

/** Law on Children Art. 4: the report's harm type. */
export const HARM_TYPES = ['violence', 'sexual_abuse', 'exploitation', 'trafficking', 'neglect', 'online', 'bullying', 'other'] as const;
export type HarmType = (typeof HARM_TYPES)[number];

/** Children's Forum topics (seed 002). */
export const TOPICS = [
  'participation',
  'injury',
  'school_play',
  'health_food',
  'dignity',
  'parents',
  'online_safety',
  'abuse_violence',
  'child_labour',
  'other',
] as const;
export type Topic = (typeof TOPICS)[number];

export const ADVICE_AREAS = ['psychology', 'law', 'health', 'school'] as const;
export type AdviceArea = (typeof ADVICE_AREAS)[number];

export const ABOUT = ['self', 'other_child'] as const;
export const REPORTER_ROLES = ['child', 'parent', 'teacher', 'other'] as const;
export const AGE_BANDS = ['under_6', '6_10', '11_13', '14_15', '16_17', 'adult'] as const;
export const GENDERS = ['girl', 'boy', 'other'] as const;
export const CONTACT_WISHES = ['chat', 'phone', 'none'] as const;

export const MESSAGE_AUTHORS = ['child', 'counsellor', 'system', 'note'] as const;
export type MessageAuthor = (typeof MESSAGE_AUTHORS)[number];

export const ATTACHMENT_KINDS = ['photo', 'voice', 'video', 'document', 'sticker'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

export const DELIVERY_STATUSES = ['pending', 'sent', 'undelivered'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
