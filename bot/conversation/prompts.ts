import { areaId, shortAreaName } from '../../cases/area-directory.js';
import type { OutboundMessage, OutboundOption } from '../channels/channel.js';
import { FORGET_ANSWERS, option } from './choices.js';
import { CHOICES, isStep, type StepId } from './questions.js';
import { replyPrompt } from './reply-mode.js';
import type { EngineDeps, Turn } from './turn.js';
import { offeredValues } from './voice.js';

/** The provinces as options (by their stable id, labelled short), the configured province first. */
function provinceOptions(deps: EngineDeps): OutboundOption[] {
  return deps.areas.provinceNames(deps.settings().provinceName).map((name) => option({ type: 'area', level: 'province', id: areaId(name) }, shortAreaName(name)));
}

/** Asks a flow's question, with its choices as options. */
export function ask(deps: EngineDeps, turn: Turn, step: StepId): void {
  const { t, r, conv } = turn;
  const draft = conv.draft;
  const whose = draft.about === 'other_child' ? 'other' : 'self';
  const choice = CHOICES[step];
  if (choice) {
    const key = step === 'age' || step === 'gender' ? `bot.q.${step}_${whose}` : `bot.q.${step}`;
    const options = offeredValues(turn, step, choice.values).map((value) => option({ type: 'answer', question: step, value }, t(`${choice.labels}.${value}`)));
    // A typed number is an age there ("5" is five years old, not the fifth option): no numbers.
    const numbers = step !== 'age';
    return void turn.replies.push(r.question(t(key), options, { numberedChoices: numbers, numberedExtras: numbers }));
  }
  switch (step) {
    case 'province':
      return void turn.replies.push(r.question(t('bot.q.province'), provinceOptions(deps), { layout: 'areas' }));
    case 'commune': {
      const list = deps.areas.communes(draft.province ?? '');
      const options = list.map((name) => option({ type: 'area', level: 'commune', id: areaId(name) }, name));
      return void turn.replies.push(r.question(t(list.length ? 'bot.q.commune_choose' : 'bot.q.commune'), options, list.length ? { layout: 'areas' } : {}));
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
  const k = (item: 'report' | 'opinion' | 'advice') => option({ type: 'menu', item }, turn.t(`bot.menu.${item}`));
  return turn.r.question(turn.t('bot.held_prompt'), [k('report'), k('opinion'), k('advice')], { skippable: false });
}

/** "Forget me?": yes or no. */
export function forgetPrompt(turn: Turn): OutboundMessage {
  const labels = { yes: 'bot.button.yes_forget', no: 'bot.button.no_keep' } as const;
  const options = FORGET_ANSWERS.map((value) => option({ type: 'answer', question: 'forget', value }, turn.t(labels[value])));
  return turn.r.question(turn.t('bot.forget_confirm'), options, { skippable: false });
}

/** Shows again what the child was being asked, or the menu. */
export function reask(deps: EngineDeps, turn: Turn): void {
  const step = turn.conv.step;
  if (isStep(step)) return ask(deps, turn, step);
  if (step === 'check_code') return void turn.replies.push(turn.r.plain(turn.t('bot.check_prompt')));
  if (step === 'held') return void turn.replies.push(heldPrompt(turn));
  if (step === 'forget_confirm') return void turn.replies.push(forgetPrompt(turn));
  if (step === 'reply' && turn.conv.reply) return void turn.replies.push(replyPrompt(turn, 'reply.prompt'));
  if (step === 'start') turn.conv.step = 'idle';
  turn.replies.push(turn.r.menu());
}

/**
 * The options the child has in front of them now: those of the question the conversation waits
 * on (the media question after a file: its follow-up). A typed number or words are read
 * against these. None before the first greeting.
 */
export function offeredOptions(deps: EngineDeps, turn: Turn): OutboundOption[] {
  if (turn.conv.step === 'start') return [];
  const scratch: Turn = { ...turn, conv: { ...turn.conv }, replies: [] };
  reask(deps, scratch);
  return (scratch.replies.at(-1)?.options ?? []).flat();
}
