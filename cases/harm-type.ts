import type { HarmType } from '../models/index.js';

/**
 * The harm type (Law on Children 102/2016 art. 4) that risk reasons point to, most serious
 * first, so that a case opened or raised by risk words is classified for the inbox and the
 * monthly report instead of "not classified" ("mẹ kế em hay nhốt em…" is violence). Staff
 * change it in triage; an answer the child chose is never replaced. Self-harm, danger now and a
 * word of distress name no harm type; nor does child marriage, which art. 4 does not list.
 */
const BY_REASON: [string, HarmType][] = [
  ['sexual_abuse', 'sexual_abuse'],
  ['trafficking', 'trafficking'],
  ['violence', 'violence'],
  ['exploitation', 'exploitation'],
  ['neglect', 'neglect'],
  ['online', 'online'],
  ['bullying', 'bullying'],
];

export function harmTypeOf(reasons: readonly string[]): HarmType | null {
  return BY_REASON.find(([reason]) => reasons.includes(reason))?.[1] ?? null;
}
