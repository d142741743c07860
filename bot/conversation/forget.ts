import crypto from 'node:crypto';
import { ContactModel, ConversationModel } from '../../models/index.js';
import type { Choice } from './choices.js';
import { flushToCase, openCaseFromDraft, startDraft } from './keeping.js';
import { onIdle } from './idle.js';
import { isChatter } from './intents.js';
import { forgetPrompt } from './prompts.js';
import { inFlow } from './turn.js';
import type { EngineDeps, Turn } from './turn.js';

/** "Forget me": asks first, since it cannot be undone. */
export function askToForget(turn: Turn) {
  turn.conv.step = 'forget_confirm';
  turn.replies.push(forgetPrompt(turn));
}

/**
 * The answer to {@link askToForget}: only a yes (pressed, or typed as its words or a synonym such
 * as "có", "đồng ý", "xoá đi") forgets; anything else keeps everything. Words that are no answer
 * ("không, em muốn kể thêm…") are the child's: handled as outside any flow (added to the open
 * case, or held), never dropped.
 */
export async function onForgetAnswer(deps: EngineDeps, turn: Turn, text: string | undefined, choice: Choice | null) {
  if (choice?.type === 'answer' && choice.question === 'forget' && choice.value === 'yes') return forget(deps, turn);
  turn.conv.step = 'idle';
  if (!choice && text && !turn.textKept && !isChatter(text)) {
    turn.replies.push(turn.r.text(turn.t('bot.forget_cancelled')));
    return onIdle(deps, turn, text, null, false);
  }
  turn.replies.push(turn.r.menu(turn.t('bot.forget_cancelled') + '\n' + turn.t('bot.menu_prompt')));
}

async function forget(deps: EngineDeps, turn: Turn) {
  await eraseChat(deps, turn);
  turn.replies.push(turn.r.text(turn.t('bot.forgotten')));
  deps.logger.info({ contactId: turn.contact._id }, 'contact forgotten at their request');
}

/**
 * The child ended the chat and wiped it from their device: whatever they wrote that no case
 * holds yet is filed (nothing a child sent is lost), then the chat is forgotten. No reply: the
 * page that asked is already clear.
 */
export async function endChat(deps: EngineDeps, turn: Turn) {
  const { conv, contact } = turn;
  if (!inFlow(turn) && (conv.heldText.length || conv.draft.attachments?.length) && !conv.caseId) startDraft(turn, 'report');
  if (conv.caseId) await flushToCase(deps, turn);
  else if (conv.draft.story?.length || conv.draft.attachments?.length) await openCaseFromDraft(deps, turn, null);
  await eraseChat(deps, turn);
  deps.logger.info({ contactId: contact._id }, 'chat ended and wiped by the child');
}

/** Erases the chat's identity and state; a web session's token is refused from now on. */
async function eraseChat(deps: EngineDeps, turn: Turn) {
  const { contact } = turn;
  // What the channel keeps of the chat (the web chat retires the session and wipes its transcript), and the messages already
  // delivered to it, would still tie it to its case codes.
  await deps.forgetChat(contact);
  await deps.store.collection(ConversationModel).deleteMany({ contactId: contact._id });
  await deps.store.collection(ContactModel).findOneAndUpdate(
    { _id: contact._id },
    { $set: { pseudonym: `forgotten:${crypto.randomBytes(16).toString('base64url')}`, addressEnc: null, forgottenAt: new Date(), openCaseId: null } },
  );
  turn.forget = true;
}
