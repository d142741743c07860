import { MessageModel, type Case } from '../../models/index.js';
import type { OutboundMessage } from '../channels/channel.js';
import { option, type Choice } from './choices.js';
import { onIdle } from './idle.js';
import { hold } from './keeping.js';
import type { EngineDeps, Turn } from './turn.js';

/**
 * Reply mode: after reading a case by its code (on any channel, any device), the child's next
 * messages go to that case as the child's answers to the counsellor, until the child chooses
 * "Done, back to the menu", the menu or 111 — or stays silent for {@link REPLY_MODE_IDLE_MS}.
 * The state lives in the stored conversation (`conv.reply`, step `reply`).
 */
export const REPLY_MODE_IDLE_MS = 30 * 60_000;

const DONE: Choice = { type: 'command', command: 'done' };

/** True when a case can take the child's answers: a closed case is offered a new report instead. */
export const acceptsReplies = (c: Case) => c.status !== 'closed';

/** Opens the case's thread for the child's next messages. */
export function openReply(turn: Turn, c: Case) {
  turn.conv.step = 'reply';
  turn.conv.reply = { caseId: c._id, code: c.code, lastAt: new Date() };
}

/**
 * A counsellor answered another case since the child last wrote in reply mode (the answer makes
 * its case the chat's open case, and tells the child they can reply just by writing): the
 * child's next words answer that case, and the confirmation names its code. Never a closed case.
 */
export async function followAnsweredCase(deps: EngineDeps, turn: Turn) {
  const reply = turn.conv.reply;
  const open = turn.contact.openCaseId;
  if (turn.conv.step !== 'reply' || !reply || !open || open === reply.caseId) return;
  const latest = await deps.store.collection(MessageModel).findOne({ caseId: open, author: 'counsellor' }, { sort: { seq: -1 } });
  if (!latest || latest.createdAt <= new Date(reply.lastAt)) return;
  const answered = await deps.cases.findById(open);
  if (answered && acceptsReplies(answered)) openReply(turn, answered);
}

/** Leaves reply mode (the conversation is outside any flow again). */
export function leaveReply(turn: Turn) {
  if (turn.conv.step === 'reply') turn.conv.step = 'idle';
  turn.conv.reply = null;
}

/** Ends reply mode by itself after a silence, before the message is read. */
export function expireReply(turn: Turn, now = Date.now()) {
  const reply = turn.conv.reply;
  if (!reply) return;
  if (turn.conv.step !== 'reply' || now - new Date(reply.lastAt).getTime() > REPLY_MODE_IDLE_MS) leaveReply(turn);
}

/** What reply mode offers: "Done, back to the menu", then Menu and 111. */
export function replyPrompt(turn: Turn, key: 'reply.prompt' | 'reply.sent'): OutboundMessage {
  const code = turn.conv.reply?.code ?? '';
  return turn.r.question(turn.t(key, { code }), [option(DONE, turn.t('reply.done'))], { skippable: false });
}

/** A closed case read by its code: it says so and offers a new report. */
export function closedCaseReply(turn: Turn, code: string): OutboundMessage {
  const newReport = option({ type: 'menu', item: 'report' }, turn.t('reply.new_report'));
  return turn.r.question(turn.t('reply.closed', { code }), [newReport], { skippable: false });
}

/**
 * A message in reply mode: its words go to the case (already there when risk words kept them),
 * and the child is told they reached the counsellor. Files were sent there by `keepAttachments`.
 */
export async function onReply(deps: EngineDeps, turn: Turn, text: string | undefined, choice: Choice | null, hadAttachments: boolean) {
  const reply = turn.conv.reply;
  if (choice?.type === 'command' && choice.command === 'done') {
    leaveReply(turn);
    return void turn.replies.push(turn.r.menu(turn.t('reply.left') + '\n\n' + turn.t('bot.menu_prompt')));
  }
  if (choice?.type === 'menu') {
    // A menu entry pressed on an earlier keyboard: the child chose to do something else.
    leaveReply(turn);
    return onIdle(deps, turn, text, choice, hadAttachments);
  }
  const found = reply ? await deps.cases.findById(reply.caseId) : null;
  if (!reply || !found || !acceptsReplies(found)) {
    // Closed meanwhile (or gone): nothing is lost — the words are held for a new report.
    leaveReply(turn);
    if (!text || turn.textKept) return void turn.replies.push(closedCaseReply(turn, reply?.code ?? ''));
    turn.replies.push(turn.r.text(turn.t('reply.closed', { code: reply?.code ?? '' })));
    return hold(turn, text);
  }
  if (text && !turn.textKept) {
    await deps.cases.addChildMessage(found._id, { text, attachments: [], channel: turn.contact.channel });
    turn.textKept = true;
  }
  if (!text && !hadAttachments) return void turn.replies.push(replyPrompt(turn, 'reply.prompt'));
  reply.lastAt = new Date();
  turn.replies.push(replyPrompt(turn, 'reply.sent'));
}

/** The case reply mode writes to, for the paths that keep words or files before the step is read. */
export function replyCaseId(turn: Turn): string | null {
  return turn.conv.step === 'reply' && turn.conv.reply ? turn.conv.reply.caseId : null;
}
