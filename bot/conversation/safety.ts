import { OPEN_STATUSES } from '../../cases/case-workflow.js';
import type { RiskSignal } from '../../cases/cases.service.js';
import type { Case } from '../../models/index.js';
import type { OutboundMessage } from '../channels/channel.js';
import type { RiskResult } from '../risk/risk-detector.js';
import { option } from './choices.js';
import { caseSignal, enterCrisis } from './crisis.js';
import { codeText, type CrisisOpening } from './crisis-words.js';
import { draftAttachments, keepText, openCaseFromDraft, openCaseOf, startDraft } from './keeping.js';
import { replyCaseId } from './reply-mode.js';
import { asPast, saidNotInDanger, toldAsPast } from './told-as-past.js';
import { inFlow, type EngineDeps, type Turn } from './turn.js';
import { writerFields } from './voice.js';

/** The case-side view of a detection: severity, categories as reasons, rules for staff. */
export function signalOf(risk: RiskResult): RiskSignal | null {
  if (!risk.severity) return null;
  return { severity: risk.severity, reasons: risk.categories, rules: [...new Set(risk.hits.map((h) => h.rule))] };
}

/**
 * A risk in what the child wrote or answered. The case records it at once (opened now if there
 * is none yet, so staff are alerted): danger now and serious make it urgent and show the
 * emergency numbers before anything else; a concern makes it high priority and shows 111
 * without alarm.
 */
export async function raiseRisk(deps: EngineDeps, turn: Turn, signal: RiskSignal, text: string | undefined) {
  const { conv, contact } = turn;
  // Told something (these words, a story, held words), or only pressed "in danger now" or a harm type.
  const told = !!text || !!conv.draft.story?.length || conv.heldText.length > 0;
  // Reply mode's case first: the words are the child's answer there, and its counsellor is alerted.
  const replyId = replyCaseId(turn);
  const openCase = replyId ? await deps.cases.findById(replyId) : !inFlow(turn) && contact.openCaseId ? await openCaseOf(deps, contact) : null;
  // A past story after "not in danger now" is what happened, not danger now (told-as-past.ts).
  if (saidNotInDanger(turn, openCase) && toldAsPast(signal, text)) signal = asPast(signal);
  // Danger now after "not in danger now": the answer no longer holds, and the case says so.
  if (signal.severity === 'danger_now') await nowInDanger(deps, turn, openCase);
  let caseId: string;
  let openedCode: string | null = null;
  // The case as raised: what it recorded before counts too ("bố đánh em chảy máu", then "in danger now: yes" → 115).
  let raised: Case | null = null;
  if (conv.caseId) {
    keepText(turn, text);
    caseId = conv.caseId;
    raised = await deps.cases.raiseRisk(caseId, signal);
  } else if (openCase) {
    if (text) await deps.cases.addChildMessage(openCase._id, { text, attachments: [], channel: turn.contact.channel });
    turn.textKept = true;
    caseId = openCase._id;
    raised = await deps.cases.raiseRisk(caseId, signal);
  } else if (!inFlow(turn)) {
    const created = await openRiskCase(deps, turn, signal, text);
    caseId = created._id;
    openedCode = created.code;
  } else {
    keepText(turn, text);
    const created = await openCaseFromDraft(deps, turn, signal);
    caseId = conv.caseId = created._id;
    conv.draft.savedStory = conv.draft.story?.length ?? 0;
    conv.draft.savedAttachments = conv.draft.attachments?.length ?? 0;
  }
  // Said once a message: typed words that both trip detection and answer the question ("bị xâm
  // hại" at "what happened?") raise twice, and the child would read the numbers twice. Danger now
  // after a lesser risk still takes the child into crisis mode.
  if (turn.riskAnswered && (signal.severity !== 'danger_now' || turn.conv.crisis)) return;
  // Honest words: "I have told the counsellors" only when an alert channel reaches someone now.
  const alerted = (await deps.cases.staffReach()).length > 0;
  riskReplies(turn, signal, caseSignal(signal, raised), caseId, { alerted, told });
  turn.riskAnswered = true;
  // Outside crisis mode, the child is asked for more: their words, or the questions, for this case.
  if (openedCode && !conv.crisis && !turn.contact.blocked) turn.replies.push(followUpOffer(turn, openedCode));
}

/** The case's "in danger now" follows danger now said after the child had answered "no". */
async function nowInDanger(deps: EngineDeps, turn: Turn, openCase: Case | null) {
  if (inFlow(turn)) {
    if (turn.conv.draft.dangerNow === false) turn.conv.draft.dangerNow = true;
  } else if (openCase?.dangerNow === false) {
    await deps.cases.updateIntake(openCase._id, { dangerNow: true });
  }
}

/**
 * After the numbers, for a case risk words just opened outside a flow: its code first (how the
 * child comes back, should they leave now), then the child may tell more (it goes into the
 * case), or answer the questions, which fill in that same case.
 */
function followUpOffer(turn: Turn, code: string): OutboundMessage {
  return { text: `${codeText(turn, code)}\n\n${turn.t('fixes.follow_up.offer')}`, options: [[option({ type: 'menu', item: 'report' }, turn.t('fixes.follow_up.answer'), '1')], [turn.r.nav('menu'), turn.r.nav('sos')]] };
}

/**
 * The case a flow just started should fill in: the one risk words opened before it, outside a
 * flow, while it is open — and, once a counsellor has answered it, while it is still the case the
 * chat is about (the child in crisis who was answered, then chose "Report", is telling the same
 * story). Taken once; the flow's answers and words then go to it.
 */
export async function takeFollowUp(deps: EngineDeps, turn: Turn): Promise<string | null> {
  const { conv, contact } = turn;
  const id = conv.followUp ?? null;
  conv.followUp = null;
  if (!id || conv.caseId) return null;
  const found = await deps.cases.findById(id);
  if (!found || !OPEN_STATUSES.includes(found.status)) return null;
  // Answered, and another case is being talked about since (another answer, another report): a new case.
  if (found.firstResponseAt && contact.openCaseId !== found._id) return null;
  conv.caseId = found._id;
  // What the first words told of the child ("con gái tôi 9 tuổi") is not asked again.
  if (found.ageBand) conv.draft.ageBand ??= found.ageBand;
  if (found.gender) conv.draft.gender ??= found.gender;
  return found._id;
}

/**
 * What the child reads: crisis mode for danger now, the numbers for serious risk, 111 for a
 * concern. "Not your fault" is said to a child who told something, not after a lone button press.
 */
function riskReplies(turn: Turn, signal: RiskSignal, whole: RiskSignal, caseId: string, opening: CrisisOpening) {
  const { alerted, told } = opening;
  if (signal.severity === 'danger_now') return enterCrisis(turn, whole, caseId, opening);
  // A lone cry ("help!", "sợ quá"): one short message, the question and 111 (the offer after it says what next).
  if (signal.reasons.length && signal.reasons.every((r) => r === 'distress')) return void turn.replies.push(turn.r.text(`${turn.t('risk.distress')}\n${turn.t('convo_fixes.call_111')}`));
  if (signal.severity === 'concern') return void turn.replies.push(turn.r.text(turn.t('risk.concern')));
  const selfHarm = signal.reasons.includes('self_harm') && !signal.reasons.some((r) => ['violence', 'sexual_abuse', 'trafficking'].includes(r));
  // "Told the counsellors right away" only when an alert reached someone (honest words).
  const selfHarmKey = alerted ? 'risk.serious_self_harm' : 'crisis_fixes.serious_self_harm';
  const urgent = !told && turn.voice === 'child' ? 'crisis_fixes.urgent_pressed' : 'bot.urgent_detected';
  // Self-harm words said with harm from someone: the child hears about both ("… em không muốn sống nữa").
  const selfHarmToo = !selfHarm && signal.reasons.includes('self_harm') ? [turn.r.text(turn.t('risk_fixes.self_harm_too'))] : [];
  turn.replies.push(turn.r.text(turn.t(selfHarm ? selfHarmKey : alerted ? `${urgent}_alerted` : urgent)), ...selfHarmToo, turn.r.emergency());
}

/**
 * Outside a flow, the words (with whatever was held) open a case at once, which becomes the
 * child's open case: what they write next is appended to it.
 */
async function openRiskCase(deps: EngineDeps, turn: Turn, signal: RiskSignal, text: string | undefined): Promise<Case> {
  const { conv, contact } = turn;
  startDraft(turn, 'report');
  const words = [...(conv.draft.story ?? []), ...(text ? [text] : [])];
  const created = await deps.cases.openCase({
    kind: 'report',
    channel: contact.channel,
    contactId: contact._id,
    // An adult's words ("con gái tôi…") already say who is writing: the counsellor sees it.
    fields: writerFields(turn, words),
    urgentReasons: signal.reasons,
    severity: signal.severity,
    riskRules: signal.rules ?? [],
    texts: words,
    attachments: draftAttachments(conv.draft),
  });
  turn.textKept = true;
  contact.openCaseId = created._id;
  conv.followUp = created._id;
  conv.draft = {};
  if (conv.step === 'held') conv.step = 'idle';
  return created;
}
