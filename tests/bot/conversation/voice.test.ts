import { describe, expect, it } from 'vitest';
import { AreaDirectory } from '../../../cases/area-directory.js';
import { ask } from '../../../bot/conversation/prompts.js';
import { FLOWS, isAsked, type Draft, type StepId } from '../../../bot/conversation/questions.js';
import { Replies } from '../../../bot/conversation/replies.js';
import type { EngineDeps, Turn } from '../../../bot/conversation/turn.js';
import { asksWhatToDo, recogniseWriter } from '../../../bot/conversation/writer-words.js';
import { resources, tr, type Lang } from '../../../locales/i18n.js';
import { CASE_KINDS } from '../../../models/index.js';

type Tree = { [key: string]: unknown };
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') for (const [kk, vv] of flatten(v as Tree, key)) out.set(kk, vv);
    else out.set(key, String(v));
  }
  return out;
}
const strings = { vi: flatten(resources.vi as Tree), en: flatten(resources.en as Tree) };
const hasAdult = (lang: Lang, key: string) => strings[lang].has(`${key}_adult`);

/** The keys `ask` looks up for every question an adult is asked, in every flow. */
function keysAskedOfAnAdult(): Set<string> {
  const used = new Set<string>();
  const base = tr('vi');
  const t = ((key: string, options?: Record<string, unknown>) => {
    used.add(key);
    return base(key, { context: 'adult', ...options });
  }) as Turn['t'];
  const deps = { areas: new AreaDirectory({ provinces: [{ name: 'Hà Nội', communes: ['Phường Ba Đình'] }, { name: 'Điện Biên' }] }), settings: () => ({ webChatUrl: 'https://x' }) } as unknown as EngineDeps;
  for (const kind of CASE_KINDS) {
    for (const step of FLOWS[kind]) {
      for (const province of ['Hà Nội', 'Điện Biên']) {
        const draft: Draft = { kind, writer: 'adult', ...(kind === 'opinion' ? {} : { about: 'other_child' }), province, story: step === 'story' ? [] : ['…'], contactWish: 'phone' };
        if (!isAsked(step, draft) && !['story', 'story_more'].includes(step)) continue;
        const turn = { conv: { step, draft, heldText: [] }, lang: 'vi', voice: 'adult', t, r: new Replies(t, undefined), replies: [] } as unknown as Turn;
        ask(deps, turn, step as StepId);
      }
    }
  }
  return used;
}

/** Vietnamese words that speak to a child ("em") or of "your friend" ("bạn ấy"); "trẻ em" is a noun. */
const CHILD_VOICE = /(?<!\p{L})(?:em|bạn ấy)(?!\p{L})/iu;

/**
 * Lines in the child's voice that a known adult is never shown: the "who" question itself and
 * its child answers (skipped once an adult is known), the questions about the writer's own age
 * and gender (an adult is asked about the child), the "I am a child" role, the error line of
 * the inbound service (sent before the conversation is read), and the web chat's words shown
 * before anyone has written (without JavaScript, or after the chat was deleted).
 */
const CHILD_ONLY = new Set([
  'bot.q.about', 'bot.opt.about.self', 'bot.opt.about.other_child', 'bot.q.age_self', 'bot.q.gender_self', 'bot.opt.role.child', 'bot.error',
  'webchat.noscript', 'webchat.ended',
]);
const SPOKEN = /^(bot|crisis|risk|reply|voice|webchat)\./;

describe('the adult voice', () => {
  it('has an adult variant (key_adult, in Vietnamese and English) of every question a flow asks an adult', () => {
    const questions = [...keysAskedOfAnAdult(), 'bot.q.media_more'].filter((k) => k.startsWith('bot.q.'));
    expect(questions.length).toBeGreaterThan(15);
    const missing = questions.flatMap((k) => (['vi', 'en'] as const).filter((lang) => !hasAdult(lang, k)).map((lang) => `${lang}: ${k}_adult`));
    expect(missing).toEqual([]);
  });

  it('has an adult variant of every bot and web chat line that speaks to a child as "em" or of "bạn ấy"', () => {
    const childLines = [...strings.vi]
      .filter(([key]) => SPOKEN.test(key) && !key.endsWith('_adult') && !CHILD_ONLY.has(key))
      .filter(([, value]) => CHILD_VOICE.test(value.replaceAll(/trẻ em/giu, '')))
      .map(([key]) => key);
    expect(childLines.length).toBeGreaterThan(40);
    const missing = childLines.flatMap((k) => (['vi', 'en'] as const).filter((lang) => !hasAdult(lang, k)).map((lang) => `${lang}: ${k}_adult`));
    expect(missing).toEqual([]);
  });

  it('never speaks to an adult as "em" in its adult lines', () => {
    const slips = [...strings.vi].filter(([key, value]) => SPOKEN.test(key) && key.endsWith('_adult') && CHILD_VOICE.test(value.replaceAll(/trẻ em/giu, ''))).map(([key]) => key);
    expect(slips).toEqual([]);
  });

  it('falls back to the line both voices share where there is no adult variant', () => {
    const adult = (key: string) => tr('vi')(key, { context: 'adult' });
    expect(adult('bot.opt.danger.no')).toBe(tr('vi')('bot.opt.danger.no'));
    expect(adult('bot.q.danger')).toBe(tr('vi')('bot.q.danger_adult'));
  });
});

describe('who is writing, read from their words', () => {
  it.each([
    ['Con gái tôi 9 tuổi bị…', { role: 'parent', childGender: 'girl' }],
    ['con gai toi 9 tuoi bi danh', { role: 'parent', childGender: 'girl' }],
    ['Tôi là mẹ của cháu', { role: 'parent' }],
    ['tôi là bà của bé', { role: 'parent' }],
    ['cháu nhà mình bị bắt nạt', { role: 'parent' }],
    ['con trai mình hay bị đánh', { role: 'parent', childGender: 'boy' }],
    ['Tôi là giáo viên chủ nhiệm lớp 5', { role: 'teacher' }],
    ['học sinh của tôi bị bạo hành', { role: 'teacher' }],
    ['tôi thấy một cháu bé bị đánh ngoài chợ', { role: 'other' }],
    ['My son is being bullied', { role: 'parent', childGender: 'boy' }],
    ['my 9 year old daughter cries a lot', { role: 'parent', childGender: 'girl' }],
    ["I'm a teacher at a primary school", { role: 'teacher' }],
    ['I am her grandmother', { role: 'parent' }],
  ])('reads "%s" as an adult', (text, hint) => {
    expect(recogniseWriter(text)).toEqual(hint);
  });

  it.each(['mẹ em đánh em', 'mẹ tôi đánh tôi', 'con tới trường thì bị đánh', 'em bị bạn đánh', 'lớp mình có bạn bị đánh', 'bố mẹ em cãi nhau', 'my mom hits me', 'my teacher shouts at me', "my teacher's son bullies me", 'my class has a bully', 'Ba cháu đánh cháu', 'con gái'])(
    'reads "%s" as no adult',
    (text) => {
      expect(recogniseWriter(text)).toBeNull();
    },
  );

  it.each([
    ['Tôi nên làm gì?', 'whole'],
    ['giờ tôi phải làm sao ạ', 'whole'],
    ['phải làm sao', 'whole'],
    ['What should I do now?', 'whole'],
    ['what to do', 'whole'],
    ['con gái tôi bị đánh. Tôi nên làm gì?', 'within'],
    ['tôi làm gì cũng bị mắng', null],
    ['em làm bài tập rồi', null],
  ] as const)('reads "%s" as asking what to do: %s', (text, where) => {
    expect(asksWhatToDo(text)).toBe(where);
  });
});
