import crypto from 'node:crypto';
import { ContactModel, ConversationModel } from '../../models/index.js';
import { normalizeText } from '../risk/risk-detector.js';
import type { Choice } from './choices.js';
import { forgetPrompt } from './prompts.js';
import type { EngineDeps, Turn } from './turn.js';

const YES_WORDS = ['co', 'yes', 'dong y', 'xoa', 'co xoa di'];

/** "Forget me": asks first, since it cannot be undone. */
export function askToForget(turn: Turn) {
  turn.conv.step = 'forget_confirm';
  turn.replies.push(forgetPrompt(turn));
}

/** The answer to {@link askToForget}: anything but a yes keeps everything. */
export async function onForgetAnswer(deps: EngineDeps, turn: Turn, text: string | undefined, choice: Choice | null) {
  const chosen = choice?.type === 'answer' && choice.question === 'forget' ? choice.value : null;
  const yes = chosen === 'yes' || (!choice && text && YES_WORDS.includes(normalizeText(text)));
  if (yes) return forget(deps, turn);
  turn.conv.step = 'idle';
  turn.replies.push(turn.r.menu(turn.t('bot.forget_cancelled') + '\n' + turn.t('bot.menu_prompt')));
}

async function forget(deps: EngineDeps, turn: Turn) {
  const { contact } = turn;
  // What the channel keeps of the chat (the web chat's transcript), and the messages already
  // delivered to it, would still tie it to its case codes.
  await deps.forgetChat(contact);
  await deps.store.collection(ConversationModel).deleteMany({ contactId: contact._id });
  await deps.store.collection(ContactModel).findOneAndUpdate(
    { _id: contact._id },
    { $set: { pseudonym: `forgotten:${crypto.randomBytes(16).toString('base64url')}`, addressEnc: null, forgottenAt: new Date(), openCaseId: null } },
  );
  turn.forget = true;
  turn.replies.push(turn.r.text(turn.t('bot.forgotten')));
  deps.logger.info({ contactId: contact._id }, 'contact forgotten at their request');
}
