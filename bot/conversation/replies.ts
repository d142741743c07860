import type { TFunction } from 'i18next';
import type { OutboundMessage, OutboundOption } from '../channels/channel.js';
import { MENU_ITEMS, option, type Command, type MenuItem } from './choices.js';

/** The nav options' fixed numbers: 0 for the menu, 111 for the emergency numbers. */
const NAV_KEYS = { menu: '0', sos: '111' } as const;
const NAV_COMMANDS: Record<'skip' | 'menu' | 'sos' | 'done', Command> = { skip: 'skip', menu: 'menu', sos: 'emergency', done: 'done' };

export interface QuestionOptions {
  /** Number the choices 1, 2, … (default true). Off where a typed number is itself an answer (an age). */
  numberedChoices?: boolean;
  /** Offer Skip (default true). */
  skippable?: boolean;
  /** Offer Done. */
  done?: boolean;
  /**
   * Give Skip and Done numbers after the choices' (default true). Off where a typed number is
   * itself an answer (an age), so that "7" never means Skip.
   */
  numberedExtras?: boolean;
  /**
   * `areas`: a long list of places. Skip comes first (unnumbered: typing "bỏ qua" works), the
   * places follow three to a row (two when a name is long), and the message says so, for each
   * channel to lay it out compactly (the web chat: a grid with a search box).
   */
  layout?: 'areas';
}

/** Longest label that still fits three to a row on a phone. */
const GRID_LABEL_MAX = 14;

/**
 * Builds the bot's recurring messages, every option a typed choice (see `choices.ts`). Options
 * are numbered in the order shown: 1, 2, … for the choices (and Done, Skip after them), 0 for
 * the menu, 111 for the emergency numbers. Every keyboard ends with the 111 option.
 */
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

  /** The main menu: its entries numbered 1 to 6 (see {@link MENU_ITEMS}). */
  menu(prompt = this.t('bot.menu_prompt')): OutboundMessage {
    const m = Object.fromEntries(MENU_ITEMS.map((item, i) => [item, this.menuItem(item, String(i + 1))])) as Record<MenuItem, OutboundOption>;
    return {
      text: prompt,
      options: [[m.report], [m.opinion], [m.advice], [m.emergency, m.check], [m.lang]],
    };
  }

  menuItem(item: MenuItem, key: string): OutboundOption {
    return option({ type: 'menu', item }, this.t(`bot.menu.${item}`), key);
  }

  /**
   * A question with its choices (numbered from 1 in the order given, two to a row), then Done
   * and Skip, then Menu and 111.
   */
  question(text: string, choices: OutboundOption[], opts: QuestionOptions = {}): OutboundMessage {
    if (opts.layout === 'areas') return this.areaQuestion(text, choices, opts);
    const numbered = opts.numberedChoices === false ? choices : choices.map((c, i) => ({ ...c, key: String(i + 1) }));
    const rows: OutboundOption[][] = [];
    const perRow = choices.some((c) => c.label.length > 18) ? 1 : 2;
    for (let i = 0; i < numbered.length; i += perRow) rows.push(numbered.slice(i, i + perRow));
    const extra: OutboundOption[] = [];
    if (opts.done) extra.push(this.nav('done'));
    if (opts.skippable !== false) extra.push(this.nav('skip'));
    const numberExtras = opts.numberedExtras !== false;
    if (extra.length) rows.push(extra.map((o, i) => (numberExtras ? { ...o, key: String(numbered.length + i + 1) } : this.typedAs(o))));
    rows.push([this.nav('menu'), this.nav('sos')]);
    return { text, options: rows };
  }

  /** A question over a list of places: Skip first, then the places in rows of three (or two), then Menu and 111. */
  private areaQuestion(text: string, choices: OutboundOption[], opts: QuestionOptions): OutboundMessage {
    const numbered = choices.map((c, i) => ({ ...c, key: String(i + 1) }));
    const perRow = choices.every((c) => c.label.length <= GRID_LABEL_MAX) ? 3 : 2;
    const rows: OutboundOption[][] = opts.skippable === false ? [] : [[this.typedAs(this.nav('skip'))]];
    for (let i = 0; i < numbered.length; i += perRow) rows.push(numbered.slice(i, i + perRow));
    rows.push([this.nav('menu'), this.nav('sos')]);
    return { text, options: rows, layout: 'areas' };
  }

  /** Skip or Done without a number (a typed number is an age or a place there): how to type it instead. */
  private typedAs(o: OutboundOption): OutboundOption {
    const command = o.id === this.nav('skip').id ? 'skip' : o.id === this.nav('done').id ? 'done' : null;
    return command ? { ...o, typed: this.t(`channels_fixes.typed.${command}`) } : o;
  }

  /** Options to offer after some text: here only Menu and 111. */
  plain(text: string): OutboundMessage {
    return { text, options: [[this.nav('menu'), this.nav('sos')]] };
  }

  text(text: string): OutboundMessage {
    return { text };
  }

  /** A navigation option; Menu and 111 carry their fixed numbers, Skip and Done get theirs from {@link question}. */
  nav(kind: 'skip' | 'menu' | 'sos' | 'done'): OutboundOption {
    const key = kind === 'menu' || kind === 'sos' ? NAV_KEYS[kind] : undefined;
    return option({ type: 'command', command: NAV_COMMANDS[kind] }, this.t(`bot.button.${kind}`), key);
  }
}
