import { describe, expect, it } from 'vitest';
import { decodeChoice, encodeChoice, matchTyped, option, type Choice } from '../../../bot/conversation/choices.js';

const CHOICES: Choice[] = [
  { type: 'menu', item: 'report' },
  { type: 'command', command: 'skip' },
  { type: 'answer', question: 'advice_area', value: 'psychology' },
  { type: 'answer', question: 'forget', value: 'yes' },
  { type: 'area', level: 'commune', id: 'Ab3_x-9QzP' },
];

const offered = [
  option({ type: 'answer', question: 'danger', value: 'yes' }, 'Có, ngay bây giờ', '1'),
  option({ type: 'answer', question: 'danger', value: 'no' }, 'Không', '2'),
  option({ type: 'answer', question: 'danger', value: 'unsure' }, 'Không chắc', '3'),
  option({ type: 'command', command: 'skip' }, 'Bỏ qua ⏭', '4'),
  option({ type: 'command', command: 'menu' }, '☰ Về menu', '0'),
  option({ type: 'command', command: 'emergency' }, '🆘 Gọi 111', '111'),
];

describe('the choice protocol', () => {
  it.each(CHOICES)('reads back every choice it writes (%o), in at most 64 bytes', (choice) => {
    const id = encodeChoice(choice);
    expect(Buffer.byteLength(id)).toBeLessThanOrEqual(64);
    expect(decodeChoice(id)).toEqual(choice);
  });

  it.each(['menu:report', 'm.constructor', 'm.report.x', 'c.toString', 'a.danger.maybe', 'a.__proto__.yes', 'a.forget.constructor', 'p.', 'p.a/b', 'x'.repeat(80), '', 42])(
    'refuses a forged or stale id %j',
    (id) => {
      expect(decodeChoice(id)).toBeNull();
    },
  );

  it('selects an option by its typed number, including 0 for the menu and 111', () => {
    expect(matchTyped('2', offered)).toEqual({ type: 'answer', question: 'danger', value: 'no' });
    expect(matchTyped(' 0 ', offered)).toEqual({ type: 'command', command: 'menu' });
    expect(matchTyped('111', offered)).toEqual({ type: 'command', command: 'emergency' });
    expect(matchTyped('9', offered)).toBeNull();
  });

  it('selects an option by its words, with or without diacritics, and by a close spelling', () => {
    expect(matchTyped('không chắc', offered)).toEqual({ type: 'answer', question: 'danger', value: 'unsure' });
    expect(matchTyped('KHONG CHAC', offered)).toEqual({ type: 'answer', question: 'danger', value: 'unsure' });
    expect(matchTyped('khong chax', offered)).toEqual({ type: 'answer', question: 'danger', value: 'unsure' });
    expect(matchTyped('bo qua', offered)).toEqual({ type: 'command', command: 'skip' });
    expect(matchTyped('ve menu', offered)).toEqual({ type: 'command', command: 'menu' });
  });

  it('selects by the start of a label only when asked to, and only when one label fits', () => {
    expect(matchTyped('có, ngay', offered)).toBeNull();
    expect(matchTyped('có, ngay', offered, { prefix: true })).toEqual({ type: 'answer', question: 'danger', value: 'yes' });
    expect(matchTyped('khong c', offered, { prefix: true })).toEqual({ type: 'answer', question: 'danger', value: 'unsure' });
  });

  it('chooses nothing from a sentence that only mentions an option', () => {
    expect(matchTyped('em không biết phải làm sao nữa', offered, { prefix: true })).toBeNull();
  });
});
