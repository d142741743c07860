import { describe, expect, it } from 'vitest';
import { evaluate, loadPart, rate, TARGETS } from './risk-eval.js';

/**
 * Keeps the detector's figures on its evaluation set (tests/bot/risk/eval-set.*.json) from
 * slipping below the targets of issue 7. `npm run risk:eval` prints the detail.
 */
describe('Risk detection on the evaluation set', () => {
  const parts = [evaluate('dev'), evaluate('heldout')];
  const sum = (side: 'risky' | 'harmless', key: 'n' | 'flagged') => parts.reduce((a, p) => a + p[side].overall![key], 0);

  it('holds at least 400 risky messages and 400 harmless look-alikes, a quarter of them held out', () => {
    expect(sum('risky', 'n')).toBeGreaterThanOrEqual(400);
    expect(sum('harmless', 'n')).toBeGreaterThanOrEqual(400);
    const held = loadPart('heldout');
    const heldRisky = held.risky.reduce((a, s) => a + s.messages.length, 0);
    expect(heldRisky / sum('risky', 'n')).toBeGreaterThanOrEqual(0.2);
  });

  it(`finds at least ${TARGETS.recall * 100}% of the risky messages`, () => {
    expect(rate(sum('risky', 'flagged'), sum('risky', 'n'))).toBeGreaterThanOrEqual(TARGETS.recall);
  });

  it(`raises a false alarm on at most ${TARGETS.falseAlarms * 100}% of the harmless look-alikes`, () => {
    expect(rate(sum('harmless', 'flagged'), sum('harmless', 'n'))).toBeLessThanOrEqual(TARGETS.falseAlarms);
  });

  it('finds at least 93% of the held-out risky messages, which the rules were not tuned on', () => {
    const held = parts[1]!.risky.overall!;
    expect(rate(held.flagged, held.n)).toBeGreaterThanOrEqual(0.93);
  });

  it('covers every category with risky messages in both parts', () => {
    for (const p of parts) {
      for (const c of ['danger_now', 'self_harm', 'sexual_abuse', 'online', 'trafficking', 'child_marriage', 'violence', 'bullying', 'neglect', 'exploitation']) {
        expect(p.risky[c]?.n ?? 0, c).toBeGreaterThan(0);
      }
    }
  });
});
