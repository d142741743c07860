import { formatDate } from '../../app/time.js';
import type { Case, Message } from '../../models/index.js';
import { reask } from './prompts.js';
import { acceptsReplies, closedCaseReply, leaveReply, openReply, replyPrompt } from './reply-mode.js';
import { inFlow, type EngineDeps, type Turn } from './turn.js';

/** Wrong case codes allowed per window before the child is asked to wait. */
const CODE_FAILURE_LIMIT = 5;
const CODE_FAILURE_WINDOW_MS = 15 * 60_000;

/**
 * Shows a case's status and its latest answers to whoever has its code. A null code (text that
 * only looks like one) counts as a wrong code.
 */
export async function showCase(deps: EngineDeps, turn: Turn, code: string | null) {
  const { conv, t } = turn;
  const now = Date.now();
  if (tooManyWrongCodes(turn, now)) {
    turn.replies.push(turn.r.plain(t('bot.check_rate_limited')));
    return;
  }
  const found = code ? await deps.cases.findForChild(code) : null;
  if (!found) {
    conv.codeFailures += 1;
    conv.codeFailuresSince ??= new Date(now);
    turn.replies.push(turn.r.plain(t('bot.check_not_found')));
    return;
  }
  conv.codeFailures = 0;
  conv.codeFailuresSince = null;
  showFound(turn, found.case, found.answers);
  if (conv.step === 'check_code' || conv.step === 'start') conv.step = 'idle';
  if (!acceptsReplies(found.case)) {
    if (conv.step === 'reply') leaveReply(turn);
    return void turn.replies.push(closedCaseReply(turn, found.case.code));
  }
  // In the middle of a flow the code is only read; outside one, the case's thread opens.
  if (inFlow(turn) || conv.step === 'forget_confirm') return reask(deps, turn);
  openReply(turn, found.case);
  turn.replies.push(replyPrompt(turn, 'reply.prompt'));
}

/** True once the limit of wrong codes is reached; the count starts again after the window. */
function tooManyWrongCodes(turn: Turn, now: number): boolean {
  const { conv } = turn;
  if (conv.codeFailuresSince && now - new Date(conv.codeFailuresSince).getTime() > CODE_FAILURE_WINDOW_MS) {
    conv.codeFailures = 0;
    conv.codeFailuresSince = null;
  }
  return conv.codeFailures >= CODE_FAILURE_LIMIT;
}

function showFound(turn: Turn, found: Case, answers: Message[]) {
  const { t } = turn;
  const lines = [t('bot.check_status', { code: found.code, status: t(`bot.status.${found.status}`) })];
  turn.replies.push(turn.r.text(lines.join('\n')));
  if (answers.length === 0) turn.replies.push(turn.r.text(t('bot.check_no_answers')));
  for (const answer of answers.slice(-5)) {
    const date = formatDate(answer.createdAt, turn.lang);
    turn.replies.push(turn.r.text(t('bot.check_answer', { date, text: answer.text })));
  }
}
