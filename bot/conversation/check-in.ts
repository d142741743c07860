/**
 * Sadness and loneliness said in passing ("em buồn lắm, không biết nói với ai", "I feel so
 * alone"): no danger, so no urgent case and no alarm — but a warm word and 111 (someone to talk
 * to now), whatever else the message does. Read on folded text (`normalizeText`), so words with
 * and without diacritics read alike. Danger and self-harm words are the risk detector's.
 */
import { normalizeText } from '../risk/risk-detector.js';
import type { Turn } from './turn.js';

const SAD = new RegExp(
  [
    'buon (?:lam|qua|ghe|that|nhieu|muon khoc)',
    'co don',
    'khong (?:biet|co ai (?:de )?) ?(?:noi|tam su|chia se|ke)(?: chuyen)? (?:voi|cho) ai',
    'khong co ai (?:de )?(?:noi chuyen|tam su|chia se|hieu)',
    'khong ai (?:hieu|nghe|choi voi) (?:em|minh|con|toi)',
    'i (?:feel|am|m) (?:so |really |very )?(?:alone|lonely|sad)',
    '(?:nobody|no one|noone) (?:to talk to|understands|listens)',
  ].map((p) => `\\b${p}\\b`).join('|'),
);

/** True when the words say the child is sad or lonely. */
export const soundsSad = (text: string | undefined): boolean => !!text && SAD.test(normalizeText(text));

/** The warm word with 111, before the turn's last reply (its question or menu). */
export function checkIn(turn: Turn) {
  const message = turn.r.text(turn.t('followup.check_in'));
  turn.replies.splice(Math.max(0, turn.replies.length - 1), 0, message);
}
