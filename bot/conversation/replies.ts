import type { TFunction } from 'i18next';
import type { OutboundMessage, OutboundOption } from '../channels/channel.js';

/** Builds the bot's recurring messages. Every keyboard ends with the 111 button. */
export class Replies {
  constructor(
    private readonly t: TFunction,
    private readonly provinceHotline: string | undefined,
  ) {}

  /** The provincial hotline line, or nothing when none is set. */
  provinceHotlineLine() {
    return this.provinceLine();
  }

  private provinceLine() {
    return this.provinceHotline ? this.t('bot.province_line', { number: this.provinceHotline }) : '';
  }

  greeting(): OutboundMessage {
    return { text: this.t('bot.greeting', { provinceLine: this.provinceLine() }) };
  }

  emergency(withButtons = false): OutboundMessage {
    return {
      text: this.t('bot.emergency', { provinceLine: this.provinceLine() }),
      ...(withButtons ? { options: [[this.nav('menu')]] } : {}),
    };
  }

  menu(prompt = this.t('bot.menu_prompt')): OutboundMessage {
    const m = (id: string) => ({ id: `menu:${id}`, label: this.t(`bot.menu.${id}`) });
    return {
      text: prompt,
      options: [[m('report')], [m('opinion')], [m('advice')], [m('emergency'), m('check')], [m('lang')]],
    };
  }

  /** A question with its choices two to a row, then Skip, then Menu and 111. */
  question(text: string, choices: OutboundOption[], opts: { skippable?: boolean; done?: boolean } = {}): OutboundMessage {
    const rows: OutboundOption[][] = [];
    const perRow = choices.some((c) => c.label.length > 18) ? 1 : 2;
    for (let i = 0; i < choices.length; i += perRow) rows.push(choices.slice(i, i + perRow));
    const extra: OutboundOption[] = [];
    if (opts.done) extra.push(this.nav('done'));
    if (opts.skippable !== false) extra.push(this.nav('skip'));
    if (extra.length) rows.push(extra);
    rows.push([this.nav('menu'), this.nav('sos')]);
    return { text, options: rows };
  }

  /** Options to press after some text: here only Menu and 111. */
  plain(text: string): OutboundMessage {
    return { text, options: [[this.nav('menu'), this.nav('sos')]] };
  }

  text(text: string): OutboundMessage {
    return { text };
  }

  nav(kind: 'skip' | 'menu' | 'sos' | 'done'): OutboundOption {
    const id = { skip: 'cmd:skip', menu: 'cmd:menu', sos: 'cmd:emergency', done: 'cmd:done' }[kind];
    return { id, label: this.t(`bot.button.${kind}`) };
  }
}
