import type { OutboundMessage, OutboundOption } from '../channels/channel.js';
import { CHOICES, isStep, type StepId } from './questions.js';
import type { EngineDeps, Turn } from './turn.js';

/** The provinces as buttons, the configured province first. */
export function provinceOptions(deps: EngineDeps): OutboundOption[] {
  return deps.areas.provinceNames(deps.settings().provinceName).map((name, i) => ({ id: `a:${i}`, label: name }));
}

/** Asks a flow's question, with its choices as buttons. */
export function ask(deps: EngineDeps, turn: Turn, step: StepId): void {
  const { t, r, conv } = turn;
  const draft = conv.draft;
  const whose = draft.about === 'other_child' ? 'other' : 'self';
  const choice = CHOICES[step];
  if (choice) {
    const key = step === 'age' || step === 'gender' ? `bot.q.${step}_${whose}` : `bot.q.${step}`;
    const options = choice.values.map((v) => ({ id: `a:${v}`, label: t(`${choice.labels}.${v}`) }));
    return void turn.replies.push(r.question(t(key), options));
  }
  switch (step) {
    case 'province':
      return void turn.replies.push(r.question(t('bot.q.province'), provinceOptions(deps)));
    case 'commune': {
      const list = deps.areas.communes(draft.province ?? '');
      const options = list.map((name, i) => ({ id: `a:${i}`, label: name }));
      return void turn.replies.push(r.question(t(list.length ? 'bot.q.commune_choose' : 'bot.q.commune'), options));
    }
    case 'story':
      return void turn.replies.push(r.question(t(`bot.q.story_${draft.kind ?? 'report'}`), []));
    case 'story_more':
      return void turn.replies.push(r.question(t('bot.q.story_more'), [], { done: true, skippable: false }));
    case 'media':
      return void turn.replies.push(r.question(t('bot.q.media'), [], { done: true }));
    case 'contact_details':
      return void turn.replies.push(r.question(t('bot.q.contact_details'), []));
    default:
      return void turn.replies.push(r.menu());
  }
}

/** Asks what held messages are about: a report, an opinion or a question. */
export function heldPrompt(turn: Turn): OutboundMessage {
  const k = (id: string) => ({ id: `hold:${id}`, label: turn.t(`bot.menu.${id}`) });
  return turn.r.question(turn.t('bot.held_prompt'), [k('report'), k('opinion'), k('advice')], { skippable: false });
}

/** Shows again what the child was being asked, or the menu. */
export function reask(deps: EngineDeps, turn: Turn): void {
  const step = turn.conv.step;
  if (isStep(step)) return ask(deps, turn, step);
  if (step === 'check_code') return void turn.replies.push(turn.r.plain(turn.t('bot.check_prompt')));
  if (step === 'held') return void turn.replies.push(heldPrompt(turn));
  if (step === 'start') turn.conv.step = 'idle';
  turn.replies.push(turn.r.menu());
}
