/**
 * Conversation defects an outside walk-through found (a child and a parent, on Telegram, Zalo and
 * the web chat), each over the platform's local fake API: the crisis messages together before
 * the greeting, a past story after "not in danger now", "rồi" before any question, typed numbers
 * only where numbers are shown, a 12-year-old's typos, a short answer to "help!", the bot's own
 * voice, and 111 with the counsellor's answer on every channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../app/app.js';
import { ChildReplies } from '../../../cases/child-reply.js';
import { resources, tr } from '../../../locales/i18n.js';
import { CaseModel, ContactModel, type Case, type Channel } from '../../../models/index.js';
import { buttonsOf, PROVINCE_HOTLINE, TelegramHarness, texts } from '../../helpers/telegram-child.js';
import { ZaloHarness } from '../../helpers/zalo-child.js';
import { eventually, newId, newSession, type Entry } from '../../helpers/web-chat.js';

const vi = tr('vi');
const greetingIn = (t: typeof vi) => t('bot.greeting', { provinceLine: t('bot.province_line', { number: PROVINCE_HOTLINE }) });
const DANGER_NOW = 'bố em đang đánh em';
/** The message with the number to call first, as crisis mode sends it. */
const CALL_113 = vi('crisis.call_113', { provinceLine: vi('bot.province_line', { number: PROVINCE_HOTLINE }) });

/** The cases a chat has opened, oldest first. */
async function casesOf(app: App, channel: Channel, chatId: string | number): Promise<Case[]> {
  const contact = await app.store.collection(ContactModel).findOne({ channel, pseudonym: app.cipher.pseudonym(channel, String(chatId)) });
  return app.store.collection(CaseModel).find({ contactId: contact!._id }, { sort: { createdAt: 1 } });
}

/** A counsellor answering a case, as the back office's reply box does. */
const answer = (app: App, c: Case, words: string) => new ChildReplies(app.store, app.outbox, app.cases, app.logger).send('staff-test', c, words, 'reply');

let telegram: TelegramHarness;
let zalo: ZaloHarness;
beforeAll(async () => {
  [telegram, zalo] = await Promise.all([TelegramHarness.start(), ZaloHarness.start({ webhook: true })]);
});
afterAll(async () => {
  await Promise.all([telegram?.close(), zalo?.close()]);
});

describe('A first message of danger now', () => {
  it('gets the crisis advice and the number to call together on Telegram, the greeting only after them', async () => {
    const answer = await telegram.child().says(DANGER_NOW);

    const said = texts(answer);
    expect(said[0]).toContain(vi('crisis_fixes.first.hit_now'));
    expect(said[1]).toBe(CALL_113);
    expect(buttonsOf(answer[1]).map((b) => b.text)).toEqual([vi('crisis.button_113'), vi('crisis.button_safe')]);
    expect(said.slice(2)).toEqual([greetingIn(vi)]);
  });

  it('gets them together on Zalo too', async () => {
    const said = await zalo.child().says(DANGER_NOW);

    expect(said[0]).toContain(vi('crisis_fixes.first.hit_now'));
    expect(said[1]).toContain(CALL_113);
    expect(said.slice(2)).toEqual([greetingIn(vi)]);
  });

  it('gets them together in the web chat too', async () => {
    const session = newSession();
    const headers = { 'content-type': 'application/json', 'x-chat-session': session };
    const res = await fetch(`${telegram.app.url}/chat/api/messages`, { method: 'POST', headers, body: JSON.stringify({ id: newId(), text: DANGER_NOW }) });
    expect(res.status).toBeLessThan(300);
    const read = async () => ((await (await fetch(`${telegram.app.url}/chat/api/messages`, { headers })).json()) as { messages: Entry[] }).messages;
    const entries = await eventually(read, (all) => all.filter((e) => e.from === 'bot').length >= 3);

    const said = entries.filter((e) => e.from === 'bot').map((e) => e.text);
    expect(said[0]).toContain(vi('crisis_fixes.first.hit_now'));
    expect(said[1]).toBe(CALL_113);
    expect(said.slice(2)).toEqual([greetingIn(vi)]);
  });
});

describe("The counsellor's answer", () => {
  it('ends with 111 on Zalo', async () => {
    const child = zalo.child();
    await child.says('chào');
    await child.says('bố em hay đánh em, em không biết làm sao');
    const [c] = await casesOf(zalo.app, 'zalo', child.chatId);
    const before = child.received.length;

    await answer(zalo.app, c!, 'Em ơi, anh chị đã đọc thư của em.');
    await eventually(async () => child.received.slice(before), (got) => got.length > 0);

    const delivered = child.received.at(-1)!.text;
    expect(delivered).toContain('Em ơi, anh chị đã đọc thư của em.');
    expect(delivered).toContain(vi('convo_fixes.call_111'));
  });

  it('ends with 111 on Telegram, and in the adult voice for a parent', async () => {
    const parent = telegram.child();
    await parent.says('con gái tôi 9 tuổi bị bố dượng đánh, tôi nên làm gì');
    const [c] = await casesOf(telegram.app, 'telegram', parent.chatId);
    const before = parent.received.length;

    await answer(telegram.app, c!, 'Chị nên đưa cháu đi khám.');
    await eventually(async () => parent.received.slice(before), (got) => got.length > 0);

    expect(parent.received.at(-1)!.text).toContain(vi('convo_fixes.call_111_adult'));
  });
});

describe("The bot's own voice", () => {
  /** "anh chị" that is not the counsellors: in a line where they were not named before it. */
  const selfAsAnhChi = (line: string) => {
    const first = line.search(/(?<!\p{L})anh chị(?!\p{L})/iu);
    return first >= 0 && !/^anh chị tư vấn/i.test(line.slice(first));
  };

  it('asks for photos as "mình", who keeps them', async () => {
    const child = telegram.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));

    const media = texts(await child.skipsToTheEnd()).find((t) => t.includes('bằng chứng'));

    expect(media).toContain('Mình sẽ giữ lại làm bằng chứng');
    expect(selfAsAnhChi(media!)).toBe(false);
  });

  it('never calls itself "anh chị" in a line to a child (the counsellors are "anh chị tư vấn")', () => {
    const lines: [string, string][] = [];
    const walk = (node: unknown, path: string) => {
      if (typeof node === 'string') lines.push([path, node]);
      else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, path ? `${path}.${k}` : k);
    };
    walk(resources.vi, '');
    const toChild = lines.filter(([path]) => !/^(admin|backoffice|auth|reports|staff|notifications|email)\b/.test(path) && !path.endsWith('_adult'));

    expect(toChild.filter(([, line]) => selfAsAnhChi(line)).map(([path]) => path)).toEqual([]);
  });

  it('speaks as "I" in English where it says "mình" in Vietnamese: thanks for telling, and the story question', () => {
    const en = tr('en');

    for (const key of ['crisis_fixes.self_harm_open', 'followup.check_in', 'bot.q.story_report']) expect(en(key)).not.toMatch(/\b(us|we)\b/i);
  });
});

describe('"rồi" in crisis mode', () => {
  it('is no "I am safe" before the bot asked whether the child is safe: it asks, and then "rồi" answers it (Telegram)', async () => {
    const child = telegram.child();
    await child.says(DANGER_NOW);

    const first = texts(await child.says('rồi'));

    expect(first.join('\n')).not.toContain(vi('crisis.safe'));
    expect(first).toEqual([vi('crisis.still_here'), CALL_113]);
    const [c] = await casesOf(telegram.app, 'telegram', child.chatId);

    const second = texts(await child.says('rồi'));

    expect(second[0]).toBe(`${vi('crisis.safe')}\n\n${vi('crisis_fixes.your_code', { code: c!.code })}`);
  });

  it('is no "I am safe" on Zalo either, while clear words are at once', async () => {
    const child = zalo.child();
    await child.says(DANGER_NOW);

    expect((await child.says('r')).join('\n')).not.toContain(vi('crisis.safe'));
    expect((await child.says('em an toàn rồi'))[0]).toContain(vi('crisis.safe'));
  });
});

describe('A story of the past after "not in danger now"', () => {
  const PAST_THREAT = 'hôm qua bố cầm dao dọa giết em';
  const saysNotInDangerNow = async () => {
    const child = telegram.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));
    await child.presses(vi('bot.opt.danger.no'));
    return child;
  };
  const inCrisis = (answer: Awaited<ReturnType<ReturnType<TelegramHarness['child']>['says']>>) =>
    answer.some((m) => buttonsOf(m).some((b) => b.text === vi('crisis.button_safe')));

  it('is kept as the story with 111 shown, and opens no crisis mode over the child\'s answer', async () => {
    const child = await saysNotInDangerNow();

    const answer = await child.says(PAST_THREAT);

    expect(inCrisis(answer)).toBe(false);
    expect(texts(answer).join('\n')).toMatch(/(?<!\d)111(?!\d)/);
    expect(answer.at(-1)!.text).toBe(vi('bot.q.about'));
    const [c] = await casesOf(telegram.app, 'telegram', child.chatId);
    expect(c).toMatchObject({ priority: 'urgent', severity: 'serious', dangerNow: false });
    expect(c!.urgentReasons).not.toContain('danger_now');
    expect((await telegram.messagesOf(c!._id)).map((m) => m.text)).toContain(PAST_THREAT);
  });

  it.each([['bố em đang đánh em'], ['cứu em']])('still takes danger said as now (%j) into crisis mode at once, and the case says in danger now', async (words) => {
    const child = await saysNotInDangerNow();

    const answer = await child.says(words);

    expect(inCrisis(answer)).toBe(true);
    const [c] = await casesOf(telegram.app, 'telegram', child.chatId);
    expect(c).toMatchObject({ severity: 'danger_now', dangerNow: true });
  });

  it('leaves the case one answer when the child in crisis later answers "not in danger now"', async () => {
    const child = telegram.child();
    await child.says(DANGER_NOW);
    await child.says('em an toàn rồi');
    await child.presses(vi('bot.menu.report'));

    await child.presses(vi('bot.opt.danger.no'));

    const [c] = await casesOf(telegram.app, 'telegram', child.chatId);
    expect(c).toMatchObject({ severity: 'serious', dangerNow: false });
    expect(c!.urgentReasons).toEqual(['violence']);
  });

  it('is kept as the story on Zalo too', async () => {
    const child = zalo.child();
    await child.says('chào');
    await child.says('1');
    await child.says(vi('bot.opt.danger.no'));

    const answer = await child.says(PAST_THREAT);

    expect(answer.join('\n')).not.toContain(vi('crisis.button_safe'));
    const [c] = await casesOf(zalo.app, 'zalo', child.chatId);
    expect(c).toMatchObject({ severity: 'serious', dangerNow: false });
  });
});

describe('A typed number', () => {
  it('chooses nothing on Telegram, where the options are buttons without numbers: "3" at "who?" is asked again', async () => {
    const child = telegram.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));
    await child.presses(vi('bot.opt.danger.no'));

    const answer = await child.says('3');

    expect(texts(answer)).toEqual([vi('bot.not_understood'), vi('bot.q.about')]);
    expect(buttonsOf(answer.at(-1)).map((b) => b.text)).not.toContain(expect.stringMatching(/^\d/));
    // Still a child's conversation: the next question a child is asked, not the adult's.
    expect(texts(await child.presses(vi('bot.opt.about.self'))).at(-1)).toBe(vi('bot.q.age_self'));
  });

  it('chooses the option shown with that number on Zalo: "3" at "who?" is the adult', async () => {
    const child = zalo.child();
    await child.says('chào');
    await child.says('1');
    await child.says('2');

    const answer = await child.says('3');

    expect(answer.at(-1)).toMatch(new RegExp(`^${vi('bot.q.role_adult').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  });
});

describe("A 12-year-old's spelling", () => {
  it('reads "quên em đi" as "forget me", asks first, and "cóa" as yes', async () => {
    const child = telegram.child();
    await child.says('chào');

    expect(texts(await child.says('quên em đi'))).toEqual([vi('bot.forget_confirm')]);
    expect(texts(await child.says('cóa'))).toEqual([vi('bot.forgotten')]);
  });

  it('reads "menuu" as the menu, and "cóa" as yes at "in danger now?"', async () => {
    const child = telegram.child();
    await child.says('chào');

    expect(texts(await child.says('menuu'))).toEqual([vi('bot.menu_prompt')]);
    await child.presses(vi('bot.menu.report'));
    const danger = await child.says('cóa');
    expect(danger.some((m) => buttonsOf(m).some((b) => b.text === vi('crisis.button_safe')))).toBe(true);
  });

  it('never ends crisis mode: "menuu" and "quên em đi" there are words for the counsellors', async () => {
    const child = telegram.child();
    await child.says(DANGER_NOW);

    for (const words of ['menuu', 'quên em đi']) {
      const answer = await child.says(words);
      expect(texts(answer)).toEqual([vi('crisis.still_here'), CALL_113]);
    }
    const [c] = await casesOf(telegram.app, 'telegram', child.chatId);
    expect((await telegram.messagesOf(c!._id)).map((m) => m.text)).toEqual(expect.arrayContaining(['menuu', 'quên em đi']));
  });
});

describe('"help!" in English', () => {
  const en = tr('en');

  it('gets one short answer with 111 and what to do next, not five messages', async () => {
    const child = telegram.child();
    await child.says('hi');

    const answer = await child.says('help!');

    expect(texts(answer)[0]).toBe(`${en('risk.distress')}\n${en('convo_fixes.call_111')}`);
    expect(answer).toHaveLength(2);
    expect(answer[1]!.text).toContain(en('fixes.follow_up.offer'));
    expect(buttonsOf(answer[1]).map((b) => b.text)).toEqual([en('fixes.follow_up.answer'), en('bot.button.menu'), en('bot.button.sos')]);
  });

  it('as a first message, gets the greeting too, and still no list of commands', async () => {
    const answer = texts(await telegram.child().says('help!'));

    expect(answer).toEqual([
      en('channels_fixes.lang_from_text'),
      `${en('risk.distress')}\n${en('convo_fixes.call_111')}`,
      greetingIn(en),
      expect.stringContaining(en('fixes.follow_up.offer')),
    ]);
  });

  it('in the middle of a question, gets the answer and the question again', async () => {
    const child = telegram.child();
    await child.says('/start');
    await child.presses(vi('bot.menu.report'));
    await child.presses(vi('bot.opt.danger.no'));

    const answer = texts(await child.says('help!'));

    expect(answer).toEqual([en('channels_fixes.lang_from_text'), `${en('risk.distress')}\n${en('convo_fixes.call_111')}`, en('bot.q.about')]);
  });
});
