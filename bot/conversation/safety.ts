import { draftAttachments, keepText, openCaseFromDraft, openCaseOf, startDraft } from './keeping.js';
import { inFlow, type EngineDeps, type Turn } from './turn.js';

/**
 * Risk words or "in danger now": the case becomes urgent (opened now if there is none yet,
 * so staff are alerted at once) and the emergency numbers are shown before anything else.
 */
export async function raiseUrgent(deps: EngineDeps, turn: Turn, reasons: string[], text: string | undefined) {
  const { conv, contact } = turn;
  const openCase = !inFlow(turn) && contact.openCaseId ? await openCaseOf(deps, contact) : null;
  if (conv.caseId) {
    keepText(turn, text);
    await deps.cases.markUrgent(conv.caseId, reasons);
  } else if (openCase) {
    if (text) await deps.cases.addChildMessage(openCase._id, { text, attachments: [] });
    turn.textKept = true;
    await deps.cases.markUrgent(openCase._id, reasons);
  } else if (!inFlow(turn)) {
    await openUrgentCase(deps, turn, reasons, text);
  } else {
    keepText(turn, text);
    const created = await openCaseFromDraft(deps, turn, reasons);
    conv.caseId = created._id;
    conv.draft.savedStory = conv.draft.story?.length ?? 0;
    conv.draft.savedAttachments = conv.draft.attachments?.length ?? 0;
  }
  // Honest words: "I have told the counsellors" only when an alert channel reaches someone now.
  const alerted = (await deps.cases.staffReach()).length > 0;
  turn.replies.push(turn.r.text(turn.t(alerted ? 'bot.urgent_detected_alerted' : 'bot.urgent_detected')), turn.r.emergency());
}

/**
 * Outside a flow, the words (with whatever was held) open an urgent case at once, which
 * becomes the child's open case: what they write next is appended to it.
 */
async function openUrgentCase(deps: EngineDeps, turn: Turn, reasons: string[], text: string | undefined) {
  const { conv, contact } = turn;
  startDraft(turn, 'report');
  const created = await deps.cases.openCase({
    kind: 'report',
    channel: contact.channel,
    contactId: contact._id,
    fields: {},
    urgentReasons: reasons,
    texts: [...(conv.draft.story ?? []), ...(text ? [text] : [])],
    attachments: draftAttachments(conv.draft),
  });
  turn.textKept = true;
  contact.openCaseId = created._id;
  conv.draft = {};
  if (conv.step === 'held') conv.step = 'idle';
}
