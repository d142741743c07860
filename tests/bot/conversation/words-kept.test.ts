/**
 * An answer never swallows the child's words. For every question of every flow (walked through
 * FLOWS, not picked by hand), a message with a number in it is kept whole in the case — read
 * back from the case's messages — whether it answered the question or not; a story typed at a
 * question with choices is kept and the question asked again; and an age is read only where it
 * is one ("lớp 7" is a school grade: 11–13).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOWS, CHOICES, type StepId } from '../../../bot/conversation/questions.js';
import { tr } from '../../../locales/i18n.js';
import { CASE_KINDS, type CaseKind } from '../../../models/index.js';
import { EngineChild } from '../../helpers/engine-child.js';
import { caseCodeIn, TelegramHarness, texts } from '../../helpers/telegram-child.js';

const vi = tr('vi');

/** Messages with a number in them, as children wrote them in the trials. */
const WITH_NUMBERS = [
  'em học lớp 7, bố em hay đánh em',
  '12 tuổi, bố em hay đánh em',
  'hôm qua lúc 3 giờ chiều em bị mất 50k ở lớp',
  'tin nhắn thử m3 của bạn số 17',
];
const STORY = 'em trai em hôm qua không đi học ở trường';

let bot: TelegramHarness;

beforeAll(async () => {
  bot = await TelegramHarness.start();
});
afterAll(() => bot?.close());

/** Starts a flow of `kind` and answers (or skips) its questions until it waits at `target`. */
async function walkTo(child: EngineChild, kind: CaseKind, target: StepId) {
  await child.says('/start');
  await child.presses(vi(`bot.menu.${kind}`));
  await answerUntil(child, target, {
    contact: target === 'contact_details' ? vi('bot.opt.contact.phone') : undefined,
    // The commune is asked only once a province is known.
    province: target === 'commune' ? 'Hà Nội' : undefined,
    about: target === 'role' ? vi('bot.opt.about.adult') : undefined,
  });
}

const IN_FLOW = new Set<string>(Object.values(FLOWS).flat());

/**
 * Presses the given answers, skips the others (Done where there is no Skip), and types a story
 * where the target needs one; until the flow waits at `target`, or (null) has filed its case.
 */
async function answerUntil(child: EngineChild, target: StepId | null, answers: Partial<Record<StepId, string | undefined>>) {
  for (let i = 0; i < 20; i++) {
    const step = await child.step();
    if (step === target || !IN_FLOW.has(step)) {
      if (step !== (target ?? 'idle')) throw new Error(`the flow went to "${step}" on the way to "${target}": ${child.question}`);
      return;
    }
    const answer = answers[step as StepId];
    if (answer) await child.presses(answer);
    else if (step === 'story' && (target === 'story_more' || target === 'media')) await child.says('Em muốn kể chuyện này');
    else await child.presses(child.options.includes(vi('bot.button.skip')) ? vi('bot.button.skip') : vi('bot.button.done'));
  }
  throw new Error(`never reached ${target}`);
}

/** Finishes the flow (skipping what is left) and returns the case it filed, with its messages' texts. */
async function finishAndRead(child: EngineChild) {
  await answerUntil(child, null, {});
  return child.openCase();
}

const EVERY_STEP = CASE_KINDS.flatMap((kind) => FLOWS[kind].map((step) => [kind, step] as const));

describe('at every question of every flow', () => {
  it.each(EVERY_STEP)('%s, at "%s": a message with a number in it keeps its words; a story is kept and the question asked again', async (kind, step) => {
    const pending = [...WITH_NUMBERS];
    for (let chat = 0; pending.length; chat++) {
      const child = new EngineChild(bot.app);
      await walkTo(child, kind, step);
      const question = child.question;
      const sent: string[] = [];
      if (chat === 0 && CHOICES[step]) {
        const [kept, again] = (await child.says(STORY)).map((m) => m.text);
        expect([vi('bot.kept'), vi('bot.kept_adult')]).toContain(kept);
        expect(again).toBe(question);
        sent.push(STORY);
      }
      // Each message while the question is open; one that answers it moves on, and the next gets a new chat.
      while (pending.length && (await child.step()) === step) {
        const message = pending.shift()!;
        const answer = await child.says(message);
        sent.push(message);
        // Never silence, never a dead end: the question again (or its follow-up), or the next one.
        expect(answer.at(-1)?.options?.length).toBeGreaterThan(0);
        if (CHOICES[step] && (await child.step()) === step) expect(answer.at(-1)?.text).toBe(question);
      }
      const kept = (await finishAndRead(child)).texts;
      expect(sent.filter((m) => !kept.includes(m))).toEqual([]);
    }
  });
});

describe('the age question', () => {
  it('reads "lớp 7" as a school grade, 11–13, and keeps what the message says besides', async () => {
    const child = new EngineChild(bot.app);
    await walkTo(child, 'report', 'age');

    const answer = await child.says('em học lớp 7, bố em hay đánh em');

    expect(answer.at(-1)?.text).toBe(vi('bot.q.gender_self'));
    expect(await finishAndRead(child)).toMatchObject({ texts: ['em học lớp 7, bố em hay đánh em'], ageBand: '11_13' });
  });

  it('takes "12 tuổi" and moves on, keeping nothing more', async () => {
    const child = new EngineChild(bot.app);
    await walkTo(child, 'opinion', 'age');

    expect((await child.says('12 tuổi ạ')).map((m) => m.text)).toEqual([vi('bot.q.gender_self')]);
    expect(await finishAndRead(child)).toMatchObject({ texts: [], ageBand: '11_13' });
  });

  it('says the words were kept when a neutral message answers and says more', async () => {
    const child = new EngineChild(bot.app);
    await walkTo(child, 'opinion', 'age');

    const answer = await child.says('13 tuổi, em muốn trường có thêm sân chơi');

    expect(answer.map((m) => m.text)).toEqual([vi('understand.kept_with_answer'), vi('bot.q.gender_self')]);
    expect(await finishAndRead(child)).toMatchObject({ texts: ['13 tuổi, em muốn trường có thêm sân chơi'], ageBand: '11_13' });
  });

  it('does not read "m3" as an age: the message is kept and the age asked again', async () => {
    const child = new EngineChild(bot.app);
    await walkTo(child, 'opinion', 'age');

    expect((await child.says('child 17 message m3')).map((m) => m.text)).toEqual([vi('bot.kept'), vi('bot.q.age_self')]);
    expect((await finishAndRead(child)).texts).toEqual(['child 17 message m3']);
  });
});

describe('questions the words answered already', () => {
  it('does not ask a child their age when their story opens with it, and the case has it', async () => {
    const child = new EngineChild(bot.app);
    await child.says('/start');
    await child.presses(vi('bot.menu.advice'));
    await child.presses(vi('bot.opt.advice_area.psychology'));
    await child.says('Em 15 tuổi, em hay bị mất ngủ trước kỳ thi');
    await child.presses(vi('bot.button.done'));
    await child.presses(vi('bot.opt.danger.no'));

    expect((await child.presses(vi('bot.opt.about.self'))).map((m) => m.text)).toEqual([vi('bot.q.gender_self')]);
    expect(await finishAndRead(child)).toMatchObject({ ageBand: '14_15', texts: ['Em 15 tuổi, em hay bị mất ngủ trước kỳ thi'] });
  });

  it('still asks the age when the story is about another child', async () => {
    const child = new EngineChild(bot.app);
    await child.says('/start');
    await child.presses(vi('bot.menu.advice'));
    await child.presses(vi('bot.opt.advice_area.psychology'));
    await child.says('Em 15 tuổi, bạn em bị bắt nạt');
    await child.presses(vi('bot.button.done'));
    await child.presses(vi('bot.opt.danger.no'));

    expect((await child.presses(vi('bot.opt.about.other_child'))).map((m) => m.text)).toEqual([vi('bot.q.age_other')]);
  });
});

describe('typed answers in a conversation', () => {
  it('understands "voi em a", "con trai" and "không ạ" and the case has the answers', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));

    expect(texts(await child.says('không ạ'))).toEqual([vi('bot.q.about')]);
    expect(texts(await child.says('voi em a'))).toEqual([vi('bot.q.age_self')]);
    expect(texts(await child.says('em 12'))).toEqual([vi('bot.q.gender_self')]);
    expect(texts(await child.says('con trai'))).toEqual([vi('bot.q.province')]);
    const stored = await bot.caseByCode(caseCodeIn(await child.skipsToTheEnd()));
    expect(stored).toMatchObject({ dangerNow: false, about: 'self', ageBand: '11_13', gender: 'boy' });
  });

  it('keeps the words that follow an answer: "không, nhưng…" at "in danger now?"', async () => {
    const child = bot.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));

    const answer = texts(await child.says('không, nhưng tối nào em cũng phải ngủ ngoài hiên'));

    expect(answer).toEqual([vi('understand.kept_with_answer'), vi('bot.q.about')]);
    const stored = await bot.caseByCode(caseCodeIn(await child.skipsToTheEnd()));
    expect(stored.dangerNow).toBe(false);
    expect((await bot.messagesOf(stored._id)).map((m) => m.text)).toEqual(['không, nhưng tối nào em cũng phải ngủ ngoài hiên']);
  });
});

describe('outside the flows', () => {
  /** Chooses a report for what was held, files it, and returns the case's texts. */
  async function reportHeld(child: EngineChild) {
    await child.presses(vi('bot.menu.report'));
    return (await finishAndRead(child)).texts;
  }

  it('keeps words typed at "type your code" that are no code, and asks what they are about', async () => {
    const child = new EngineChild(bot.app);
    await child.says('/start');
    await child.presses(vi('bot.menu.check'));

    const answer = await child.says('em quên mã rồi, em muốn kể thêm 2 chuyện');

    expect(answer.at(-1)?.text).toBe(vi('bot.held_prompt'));
    expect(await reportHeld(child)).toEqual(['em quên mã rồi, em muốn kể thêm 2 chuyện']);
  });

  it('keeps words typed at "forget me?" that are no answer, and forgets nothing', async () => {
    const child = new EngineChild(bot.app);
    await child.says('/start');
    await child.says('/forget');

    const answer = await child.says('không, em muốn kể thêm 3 chuyện nữa');

    expect(answer.map((m) => m.text)).toEqual([vi('bot.forget_cancelled'), vi('bot.held_prompt')]);
    expect(await reportHeld(child)).toEqual(['không, em muốn kể thêm 3 chuyện nữa']);
  });

  it('holds a message with a number typed at "what is this about?", never reading it as option 1', async () => {
    const child = new EngineChild(bot.app);
    await child.says('/start');
    await child.says('em muốn kể một chuyện');

    const answer = await child.says('1 chuyện nữa là em bị mất 50k ở lớp');

    expect(answer.at(-1)?.text).toBe(vi('bot.held_prompt'));
    expect(await reportHeld(child)).toEqual(['em muốn kể một chuyện', '1 chuyện nữa là em bị mất 50k ở lớp']);
  });

  it('sends a message with a number to the counsellor in reply mode, whole', async () => {
    const child = new EngineChild(bot.app);
    await walkTo(child, 'opinion', 'story');
    await child.says('Em muốn có thêm giờ ra chơi');
    const { code } = await finishAndRead(child);
    await child.says(code);

    await child.says('12 tuổi, em học lớp 7 ạ');

    expect((await child.openCase()).texts).toEqual(['Em muốn có thêm giờ ra chơi', '12 tuổi, em học lớp 7 ạ']);
  });

  it('starts a flow from typed menu words and keeps what the message says besides', async () => {
    const child = new EngineChild(bot.app);
    await child.says('/start');

    const answer = await child.says('tư vấn giúp em chuyện thi vào lớp 10');

    expect(answer.at(-1)?.text).toBe(vi('bot.q.advice_area'));
    expect((await finishAndRead(child)).texts).toEqual(['tư vấn giúp em chuyện thi vào lớp 10']);
  });
});
