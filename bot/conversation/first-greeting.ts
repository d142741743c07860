import type { Turn } from './turn.js';

/**
 * A contact's first message always gets the greeting — who we are, that they need not say their
 * name, and 111 — whatever the message was: words, danger words, a sticker, "111", "help". Where
 * the turn's answer did not include it, it goes before the closing options (the menu, the offer
 * to tell more), which stay last, where the child acts on them. In crisis mode it goes after the
 * crisis messages: what to do now and the number to call come first and together, never with
 * the greeting between them.
 */
export function greetFirstContact(turn: Turn) {
  if (!turn.first || turn.contact.blocked) return;
  if (turn.conv.step === 'start') turn.conv.step = 'idle';
  const greeting = turn.r.greeting();
  if (turn.replies.some((m) => m.text === greeting.text)) return;
  const last = turn.replies.at(-1);
  const at = last?.options?.length && !turn.conv.crisis ? turn.replies.length - 1 : turn.replies.length;
  turn.replies.splice(at, 0, greeting);
}
