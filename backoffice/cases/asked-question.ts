import { tr } from '../../locales/i18n.js';
import type { CaseKind } from '../../models/index.js';

/** What a question's wording depends on: the kind of case and who it is about. */
export interface AskedContext {
  kind: CaseKind;
  about?: string | null | undefined;
}

/** Up to this many characters of the question show while it is folded. */
const SHORT_CHARS = 80;

/** The question's words in the locales: its step's own key, or the variant for who it was about and the kind of case. */
function questionKeys(step: string, c: AskedContext): string[] {
  const whose = c.about === 'other_child' ? 'other' : 'self';
  if (step === 'age' || step === 'gender') return [`bot.q.${step}_${whose}`];
  if (step === 'story') return [`bot.q.story_${c.kind}`, 'bot.q.story_report'];
  return [`bot.q.${step}`];
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
