import { tr } from '../../locales/i18n.js';
import type { CaseKind } from '../../models/index.js';

/** What a question's wording depends on: the kind of case, who it is about, and who wrote it. */
export interface AskedContext {
  kind: CaseKind;
  about?: string | null | undefined;
  /** An adult's role (parent, teacher, other) means the questions were asked in the adult voice. */
  reporterRole?: string | null | undefined;
}

const ADULT_ROLES = ['parent', 'teacher', 'other'];

/** Up to this many characters of the question show while it is folded. */
const SHORT_CHARS = 80;

/**
 * The question's words in the locales: its step's own key, or the variant for who it was about
 * and the kind of case; for an adult writer the adult voice's variant (`…_adult`) first.
 */
function questionKeys(step: string, c: AskedContext): string[] {
  const whose = c.about === 'other_child' ? 'other' : 'self';
  const keys = step === 'age' || step === 'gender' ? [`bot.q.${step}_${whose}`] : step === 'story' ? [`bot.q.story_${c.kind}`, 'bot.q.story_report'] : [`bot.q.${step}`];
  return c.reporterRole && ADULT_ROLES.includes(c.reporterRole) ? keys.flatMap((key) => [`${key}_adult`, key]) : keys;
}

/**
 * The bot's question a child's words were written at, as the child saw it (in Vietnamese, the
 * bot's default language): `short` is its first sentence, shown folded beside the words, `full`
 * the whole question. Null for words written outside the questions, or a step no longer known.
 */
export function askedQuestion(step: string | null | undefined, c: AskedContext): { short: string; full: string } | null {
  if (!step || !/^[a-z_]{1,40}$/.test(step)) return null;
  const t = tr('vi');
  const full = questionKeys(step, c)
    .map((key) => t(key, { defaultValue: '' }))
    .find((text) => typeof text === 'string' && text.trim() !== '');
  if (!full) return null;
  const first = (full.split('\n')[0] ?? full).trim();
  const sentence = /^.*?[?!.](?=\s|$)/.exec(first)?.[0] ?? first;
  const short = sentence.length > SHORT_CHARS ? `${sentence.slice(0, SHORT_CHARS).replace(/\s+\S*$/, '')}…` : sentence;
  return { short, full };
}
