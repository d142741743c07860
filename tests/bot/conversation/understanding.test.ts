/**
 * Reading typed answers tolerantly, table by table: every question's options as the bot offers
 * them (their real labels, in Vietnamese and in English), typed with or without diacritics,
 * with particles and politeness, or as a synonym from the locales — and stories, numbers and
 * longer messages that must never be read as an answer.
 */
import { describe, expect, it } from 'vitest';
import { bandOfGrade, readAge } from '../../../bot/conversation/age-reading.js';
import { matchTyped, option, readTyped } from '../../../bot/conversation/choices.js';
import { Replies } from '../../../bot/conversation/replies.js';
import { CHOICES, type StepId } from '../../../bot/conversation/questions.js';
import { answerForms } from '../../../bot/conversation/understand.js';
import { tr, type Lang } from '../../../locales/i18n.js';

/** The options of a question as the bot offers them: its choices, Skip, Menu and 111. */
function offered(step: StepId | 'forget', lang: Lang = 'vi') {
  const t = tr(lang);
  const values = step === 'forget' ? ['yes', 'no'] : CHOICES[step]!.values;
  const label = (v: string) => (step === 'forget' ? t(v === 'yes' ? 'bot.button.yes_forget' : 'bot.button.no_keep') : t(`${CHOICES[step]!.labels}.${v}`));
  const choices = values.map((value) => option({ type: 'answer', question: step, value }, label(value)));
  return new Replies(t, undefined).question('?', choices, { numberedChoices: step !== 'age', numberedExtras: step !== 'age' }).options!.flat();
}

const valueOf = (step: StepId | 'forget', text: string, lang: Lang = 'vi') => {
  const choice = matchTyped(text, offered(step, lang), { prefix: true });
  return choice?.type === 'answer' ? choice.value : choice?.type === 'command' ? `/${choice.command}` : null;
};

// [question, typed, the answer it gives, 'label' when it is the Vietnamese label itself]
const ANSWERS: [StepId | 'forget', string, string, 'label'?][] = [
  ['about', 'voi em a', 'self'],
  ['about', 'với em ạ', 'self'],
  ['about', 'Với em', 'self', 'label'],
  ['about', 'em', 'self'],
  ['about', 'về em', 'self'],
  ['about', 'chuyện của em ạ', 'self'],
  ['about', 'dạ chuyện của em', 'self'],
  ['about', 'bạn em', 'other_child'],
  ['about', 'ban khac nhe', 'other_child'],
  ['about', 'con gái tôi', 'adult'],
  ['about', 'my son', 'adult'],
  ['about', 'my friend', 'other_child'],
  ['about', 'me', 'self'],
  ['gender', 'con trai', 'boy'],
  ['gender', 'con trai ạ', 'boy'],
  ['gender', 'em là con trai', 'boy'],
  ['gender', 'nam', 'boy'],
  ['gender', 'bé trai', 'boy'],
  ['gender', 'be trai a', 'boy'],
  ['gender', 'boy', 'boy'],
  ['gender', 'Male', 'boy'],
  ['gender', 'con gái', 'girl'],
  ['gender', 'con gai', 'girl'],
  ['gender', 'gái', 'girl'],
  ['gender', 'nữ nhé', 'girl'],
  ['gender', 'nu', 'girl'],
  ['gender', 'girl please', 'girl'],
  ['gender', 'female', 'girl'],
  ['gender', 'khong muon noi', '/skip'],
  ['danger', 'có', 'yes'],
  ['danger', 'dạ có', 'yes'],
  ['danger', 'co a', 'yes'],
  ['danger', 'không', 'no'],
  ['danger', 'không ạ', 'no'],
  ['danger', 'dạ không', 'no'],
  ['danger', 'ko', 'no'],
  ['danger', 'em ổn', 'no'],
  ['danger', 'không biết', 'unsure'],
  ['danger', 'ko biet', 'unsure'],
  ['danger', 'chắc không', 'unsure'],
  ['danger', 'em không chắc ạ', 'unsure'],
  ['danger', 'not sure', 'unsure'],
  ['danger', "I don't know", 'unsure'],
  ['contact', 'không cần', 'none'],
  ['contact', 'không', 'none'],
  ['contact', 'chỉ nhắn tin thôi', 'chat'],
  ['contact', 'nhắn tin ạ', 'chat'],
  ['contact', 'gọi lại cho em', 'phone'],
  ['contact', 'có', 'phone'],
  ['contact', 'call me', 'phone'],
  ['role', 'bố mẹ', 'parent'],
  ['role', 'me cua ban ay', 'parent'],
  ['role', 'cô giáo', 'teacher'],
  ['role', 'học sinh ạ', 'child'],
  ['harm', 'bị đánh', 'violence'],
  ['harm', 'bi bat nat', 'bullying'],
  ['advice_area', 'tâm lý', 'psychology'],
  ['advice_area', 'hoc tap a', 'school'],
  ['age', 'mẫu giáo', 'under_6'],
  ['age', '11–13 tuổi', '11_13', 'label'],
  ['age', 'bỏ qua', '/skip'],
  ['forget', 'có', 'yes'],
  ['forget', 'đồng ý', 'yes'],
  ['forget', 'xoá đi ạ', 'yes'],
  ['forget', 'không', 'no'],
];

// [question, a story or something else that is no answer]
const NO_ANSWERS: [StepId | 'forget', string][] = [
  ['gender', 'em trai em bị đánh'],
  ['gender', 'con trai nhà hàng xóm hay đánh em'],
  ['about', 'em bị bố đánh'],
  ['about', 'bạn em bị bắt nạt ở trường'],
  ['danger', 'có bố em đang say'],
  ['danger', 'không biết phải làm sao nữa, em sợ lắm'],
  ['danger', 'em không biết phải làm sao nữa'],
  ['contact', 'không ai nghe em cả'],
  ['age', 'em trai em 12 tuổi'],
  ['age', '3'],
  ['age', '5'],
  ['forget', 'không biết nữa'],
];

describe('typed answers, read tolerantly', () => {
  it.each(ANSWERS)('at "%s", "%s" answers %s', (step, typed, expected) => {
    expect(valueOf(step, typed)).toBe(expected);
  });

  it.each(ANSWERS.filter(([step, , , label]) => !label && step !== 'forget'))('at "%s", "%s" answers %s in an English chat too', (step, typed, expected) => {
    expect(valueOf(step, typed, 'en')).toBe(expected);
  });

  it.each(NO_ANSWERS)('at "%s", "%s" is no answer (it is the child\'s words)', (step, typed) => {
    expect(readTyped(typed, offered(step), { prefix: true, clauses: true })).toBeNull();
  });

  it('takes an answer that opens a longer message, and says there is more to keep', () => {
    expect(readTyped('không, nhưng bố em vẫn hay đánh em', offered('danger'), { clauses: true })).toEqual({
      choice: { type: 'answer', question: 'danger', value: 'no' },
      more: true,
    });
    expect(readTyped('con gái ạ. Em bị bắt nạt', offered('gender'), { clauses: true })).toMatchObject({ choice: { value: 'girl' }, more: true });
    expect(readTyped('không ạ.', offered('danger'), { clauses: true })).toMatchObject({ choice: { value: 'no' }, more: false });
  });

  it('never reads the menu or 111 from the start of a longer message', () => {
    expect(readTyped('111, bố em đang đánh mẹ', offered('danger'), { clauses: true })).toBeNull();
    expect(readTyped('0, em muốn kể tiếp', offered('gender'), { clauses: true })).toBeNull();
  });

  it('offers no numbers at the age question, so that a typed number is an age and never "the fifth option"', () => {
    expect(offered('age').filter((o) => o.id.startsWith('a.age.')).every((o) => o.key === undefined)).toBe(true);
    expect(offered('gender').find((o) => o.id === 'a.gender.boy')?.key).toBe('2');
  });

  it('reads no synonyms in reply mode, where "hết rồi ạ" is an answer to the counsellor and not "Done"', () => {
    const done = [option({ type: 'command', command: 'done' }, tr('vi')('reply.done'), '1')];
    expect(matchTyped('hết rồi ạ', done, { prefix: true })).toEqual({ type: 'command', command: 'done' });
    expect(matchTyped('hết rồi ạ', done, { prefix: true, synonyms: false })).toBeNull();
    expect(matchTyped('xong', done, { prefix: true, synonyms: false })).toEqual({ type: 'command', command: 'done' });
  });

  it('strips particles only around an answer, never to nothing', () => {
    expect(answerForms('Dạ, với em ạ!')).toContain('voi em');
    expect(answerForms('em')).toEqual(['em']);
  });
});

// [typed at "how old are you?", the age band, whether it says more than the age]
const AGES: [string, string | null, boolean?][] = [
  ['12', '11_13'],
  ['12 tuổi', '11_13'],
  ['12 tuoi', '11_13'],
  ['em 12t', '11_13'],
  ['em 12 ạ', '11_13'],
  ['năm nay em 15 tuổi', '14_15'],
  ['mười hai tuổi', '11_13'],
  ['I am 14 years old', '14_15'],
  ['con tôi 3 tuổi', 'under_6'],
  ['lớp 7', '11_13'],
  ['em học lớp 7', '11_13'],
  ['em đang học lớp 9 ạ', '14_15'],
  ['grade 11', '16_17'],
  ['em học lớp 7, bố em hay đánh em', '11_13', true],
  ['12 tuổi, bố em hay đánh em', '11_13', true],
  ['em 12 tuổi bố em hay đánh em', '11_13', true],
  ['12, em bị bắt nạt', '11_13', true],
  ['m3', null],
  ['child 17 message m3', null],
  ['0912345678', null],
  ['3 giờ chiều', null],
  ['bố đánh em 3 lần rồi', null],
  ['3 lần', null],
  ['50k', null],
  ['12/5', null],
  ['ngày 12 em bị đánh', null],
  ['bố em 40 tuổi hay đánh em', null],
  ['em bị đánh từ hồi lớp 3', null],
  ['chín', null],
];

describe('typed ages', () => {
  it.each(AGES)('reads "%s" as %s', (typed, band, more = false) => {
    expect(readAge(typed)).toEqual(band ? { band, more } : null);
  });

  it('reads a school grade as the age band of its pupils: lớp N is age N + 5', () => {
    const bands = Array.from({ length: 12 }, (_, i) => bandOfGrade(i + 1));
    expect(bands).toEqual(['6_10', '6_10', '6_10', '6_10', '6_10', '11_13', '11_13', '11_13', '14_15', '14_15', '16_17', '16_17']);
  });
});
