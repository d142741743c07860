/**
 * The channel contract: what every channel must do for a child, run alike over Telegram, Zalo and
 * the web chat in one app. A new channel gets a driver in `channel-drivers.ts` and passes this,
 * or it is not done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeText } from '../../bot/risk/risk-detector.js';
import { ChildReplies } from '../../cases/child-reply.js';
import { tr } from '../../locales/i18n.js';
import { CaseModel, HARM_TYPES, InboundUpdateModel, MessageModel, OutboxModel } from '../../models/index.js';
import { CASE_CODE, eventually } from '../helpers/telegram-child.js';
import { startChannelWorld, type ChannelChild, type ChannelDriver, type ChannelWorld } from './channel-drivers.js';

const vi = tr('vi');
const joined = (texts: string[]) => texts.join('\n');
const codeOf = (texts: string[]) => CASE_CODE.exec(joined(texts))?.[0] ?? null;

let world: ChannelWorld;
beforeAll(async () => {
  world = await startChannelWorld();
});
afterAll(async () => {
  await world?.close();
});

/** Codes of cases made on each channel, to read back on another. */
const codes = new Map<string, string>();
const CHANNELS = ['telegram', 'zalo', 'web'] as const;
const driver = (name: string): ChannelDriver => world.drivers.find((d) => d.channel === name)!;

async function reportByChoices(child: ChannelChild): Promise<string[]> {
  await child.says('chào');
  await child.chooses(vi('bot.menu.report'));
  await child.chooses(vi('bot.opt.danger.no'));
  await child.chooses(vi('bot.opt.about.self'));
  await child.chooses(vi('bot.opt.age.11_13'));
  await child.chooses(vi('bot.button.skip'));
  await child.chooses(child.options()[1]!); // the first province offered (after Skip)
  await child.chooses(vi('bot.button.skip'));
  await child.chooses(vi('bot.opt.harm.bullying'));
  await child.says('Các bạn trong lớp lấy đồ của em mỗi ngày.');
  await child.chooses(vi('bot.button.done'));
  await child.chooses(vi('bot.button.done'));
  return child.chooses(vi('bot.opt.contact.chat'));
}

describe.each(CHANNELS)('the channel contract, on %s', (name) => {
  it('greets a child with 111 and offers the menu', async () => {
    const child = driver(name).child();
    expect(joined(await child.says('chào'))).toContain('111');
    expect(child.options()).toEqual(expect.arrayContaining([vi('bot.menu.report'), vi('bot.menu.check')]));
  });

  it('takes a whole report by choosing options, and gives a receipt with a case code', async () => {
    const receipt = await reportByChoices(driver(name).child());
    const code = codeOf(receipt);
    expect(code).not.toBeNull();
    const stored = await world.app.store.collection(CaseModel).findOne({ code: code! });
    expect(stored).toMatchObject({ channel: name, kind: 'report', ageBand: '11_13', harmType: 'bullying' });
    codes.set(name, code!);
  });

  it('takes a whole report by typed words without diacritics, and numbers where the channel shows them (Zalo)', async () => {
    const child = driver(name).child();
    // Telegram and the web chat show buttons without numbers: there a typed number is words.
    const pick = (number: string, words: string) => (name === 'zalo' ? number : words);
    await child.says('chào');
    expect(joined(await child.says(pick('1', 'bao cao')))).toContain(vi('bot.q.danger'));
    expect(joined(await child.says('khong'))).toContain(vi('bot.q.about'));
    expect(joined(await child.says(normalizeText(vi('bot.opt.about.self'))))).toContain(vi('bot.q.age_self'));
    const seen: string[] = [];
    for (const text of ['12', 'bo qua', 'ha noi', 'bo qua', pick(String(HARM_TYPES.indexOf('bullying') + 1), 'bat nat'), 'Em bị bạn trêu chọc.', 'xong', 'xong', pick('1', 'nhan tin')]) {
      const answer = await child.says(text);
      seen.push(`> ${text}`, ...answer);
    }
    const stored = await world.app.store.collection(CaseModel).findOne({ code: codeOf(seen) ?? '-' });
    expect(stored, seen.join('\n').slice(-600)).not.toBeNull();
    expect(stored).toMatchObject({ channel: name, ageBand: '11_13', harmType: 'bullying', contactWish: 'chat' });
  });

  it('shows the emergency numbers at once for risk words', async () => {
    const child = driver(name).child();
    await child.says('chào');
    const answer = joined(await child.says('bố em đánh em đau lắm'));
    expect(answer).toContain('111');
    expect(answer).toMatch(/113|115/);
  });

  it('reads back the case code made on another channel', async () => {
    const other = CHANNELS[(CHANNELS.indexOf(name) + 1) % CHANNELS.length]!;
    const code = codes.get(other) ?? codeOf(await reportByChoices(driver(other).child()))!;
    const answer = joined(await driver(name).child().says(code));
    expect(answer).toContain(code);
    expect(answer).toContain(vi('bot.status.new'));
  });

  it("delivers a counsellor's reply to the chat the case came from", async () => {
    const child = driver(name).child();
    const code = codeOf(await reportByChoices(child))!;
    const found = (await world.app.store.collection(CaseModel).findOne({ code }))!;
    const words = 'Anh chị đã đọc và sẽ giúp em.';
    const message = await new ChildReplies(world.app.store, world.app.outbox, world.app.cases, world.app.logger).send('staff-contract', found, words, 'reply');
    await eventually(async () => joined(await child.heard()).includes(words), 10_000, async () => `${name}: reply not heard`);
    await eventually(async () => (await world.app.store.collection(MessageModel).findOne({ _id: message._id }))?.delivery === 'sent', 10_000, () => 'reply not marked sent');
  });

  it('ignores an update it has already taken', async () => {
    const child = driver(name).child();
    await child.says('chào');
    const updates = await world.app.store.collection(InboundUpdateModel).count({ channel: name });
    expect(await child.repeatsLast()).toEqual([]);
    expect(await world.app.store.collection(InboundUpdateModel).count({ channel: name })).toBe(updates);
  });

  it.skipIf(name === 'web')('marks a send the platform refuses as undelivered, and goes on', async () => {
    const d = driver(name);
    const child = d.child();
    d.refuseNextSend();
    await child.says('chào');
    expect(await world.app.store.collection(OutboxModel).count({ channel: name, status: 'undelivered' })).toBeGreaterThan(0);
    await child.says('menu');
    expect(child.options()).toContain(vi('bot.menu.report'));
  });

  it.skipIf(name === 'web')('delivers what was held back once the platform recovers from an outage', async () => {
    const d = driver(name);
    const child = d.child();
    d.failNextSends(2);
    expect(joined(await child.says('chào'))).toContain('111');
  });
});
