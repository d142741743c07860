import type { IntakeFields, RiskSignal } from '../../cases/cases.service.js';
import type { Attachment, CaseKind, Channel, Contact } from '../../models/index.js';
import type { Flooded } from '../flood.guard.js';
import { heldPrompt } from './prompts.js';
import { replyCaseId } from './reply-mode.js';
import type { Draft } from './questions.js';
import { inFlow, type EngineDeps, type Turn } from './turn.js';
import { firstSteps, reporterRoleOf, startDraftVoice } from './voice.js';

// Draft entries that are no intake field: the kind, who is writing, what the child sent,
// bookkeeping, what the session remembered and the answer to "still the same?", and the province
// and commune (which go in together as `area`).
const DRAFT_TO_CASE_SKIP = new Set(['kind', 'writer', 'story', 'storyAsked', 'attachments', 'savedStory', 'savedAttachments', 'province', 'commune']);

/** Keeps text in the current flow's draft (and so in its case), or holds it when idle. */
export function keepText(turn: Turn, text: string | undefined) {
  if (!text || turn.textKept) return;
  turn.textKept = true;
  if (inFlow(turn) || turn.conv.caseId) {
    const draft = turn.conv.draft;
    draft.story = [...(draft.story ?? []), text];
    // The question the words were written at, beside them, for the counsellor.
    if (inFlow(turn)) draft.storyAsked = askedAt(draft.storyAsked, draft.story.length - 1, turn.conv.step);
  } else {
    turn.conv.heldText = [...turn.conv.heldText, text];
  }
}

/** `asked` with `step` at `index` (entries before it without one are null). */
function askedAt(asked: (string | null)[] | undefined, index: number, step: string): (string | null)[] {
  const out = [...(asked ?? [])];
  while (out.length < index) out.push(null);
  out[index] = step;
  return out;
}

/**
 * A message that answered the question and said more ("12 tuổi, bố em hay đánh em"): the answer
 * is taken and the whole message kept, and the child is told so (unless risk words kept it
 * already, with their own answer).
 */
export function keepAlso(turn: Turn, text: string) {
  if (turn.textKept) return;
  keepText(turn, text);
  turn.replies.push(turn.r.text(turn.t('understand.kept_with_answer')));
}

/** Holds text written outside a flow and asks the child what it is about. */
export function hold(turn: Turn, text: string) {
  turn.conv.heldText = [...turn.conv.heldText, text];
  turn.conv.step = 'held';
  turn.textKept = true;
  turn.replies.push(heldPrompt(turn));
}

export async function keepAttachments(deps: EngineDeps, turn: Turn, attachments: Attachment[]) {
  const { conv } = turn;
  if (inFlow(turn) || conv.caseId) {
    conv.draft.attachments = [...(conv.draft.attachments ?? []), ...attachments];
    return;
  }
  const openCase = replyCaseId(turn) ?? (await openCaseOf(deps, turn.contact))?._id;
  if (openCase) {
    await deps.cases.addChildMessage(openCase, { text: '', attachments, channel: turn.contact.channel });
    return;
  }
  // No flow and no case yet: hold the files with any held text until the child says what it is.
  conv.draft = { attachments: [...(conv.draft.attachments ?? []), ...attachments] };
}

/**
 * A message past the contact's flood limit: nothing is lost — its words go where the
 * conversation keeps them (the flow's draft, the open case, or held until the child says what
 * they are about), its files too — but it gets no answer, except one kind "wait a moment" (with
 * the 111 option) per window.
 */
export async function keepFlooded(deps: EngineDeps, turn: Turn, text: string | undefined, attachments: Attachment[], flooded: Flooded) {
  if (text) await keepQuietly(deps, turn, text);
  if (attachments.length) await keepAttachments(deps, turn, attachments);
  if (await flooded.noticeOnce()) turn.replies.push({ text: turn.t('bot.flood.wait'), options: [[turn.r.nav('sos')]] });
}

async function keepQuietly(deps: EngineDeps, turn: Turn, text: string) {
  const { conv } = turn;
  if (inFlow(turn) || conv.caseId) return keepText(turn, text);
  const openCase = conv.step === 'held' ? null : (replyCaseId(turn) ?? (await openCaseOf(deps, turn.contact))?._id);
  turn.textKept = true;
  if (openCase) return void (await deps.cases.addChildMessage(openCase, { text, attachments: [], channel: turn.contact.channel }));
  conv.heldText = [...conv.heldText, text];
  if (conv.step === 'idle' || conv.step === 'start') conv.step = 'held';
}

/** Starts a flow's draft from whatever the child wrote or sent before choosing it. */
export function startDraft(turn: Turn, kind: CaseKind) {
  const heldFiles = turn.conv.draft.kind ? [] : (turn.conv.draft.attachments ?? []);
  turn.conv.draft = { kind, story: [...turn.conv.heldText], attachments: [...heldFiles] };
  turn.conv.heldText = [];
  turn.conv.caseId = null;
  startDraftVoice(turn);
}

export async function openCaseOf(deps: EngineDeps, contact: Contact) {
  if (!contact.openCaseId) return null;
  // A resolved or closed case is still the child's: writing to it opens it again.
  return deps.cases.findById(contact.openCaseId);
}

export function draftAttachments(draft: Draft): Attachment[] {
  return (draft.attachments ?? []) as Attachment[];
}

function intakeFields(draft: Draft): IntakeFields {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(draft)) if (!DRAFT_TO_CASE_SKIP.has(k) && v !== undefined) fields[k] = v;
  if (draft.province !== undefined || draft.commune !== undefined) fields.area = { province: draft.province ?? null, commune: draft.commune ?? null };
  const role = reporterRoleOf(draft);
  if (role) fields.reporterRole = role;
  // An adult's own opinion: the writer is 18 or older (they were not asked their age).
  if (draft.kind === 'opinion' && draft.writer === 'adult') fields.ageBand ??= 'adult';
  return fields as IntakeFields;
}

/** Opens a case with everything the flow's draft holds so far. */
export function openCaseFromDraft(deps: EngineDeps, turn: Turn, risk: RiskSignal | null) {
  const { conv, contact } = turn;
  return deps.cases.openCase({
    kind: conv.draft.kind ?? 'report',
    channel: contact.channel,
    contactId: contact._id,
    fields: intakeFields(conv.draft),
    urgentReasons: risk?.reasons ?? [],
    severity: risk?.severity ?? null,
    riskRules: risk?.rules ?? [],
    texts: conv.draft.story ?? [],
    asked: conv.draft.storyAsked ?? [],
    attachments: draftAttachments(conv.draft),
  });
}

/** Sends the case everything the draft holds that the case does not have yet. */
export async function flushToCase(deps: EngineDeps, turn: Turn) {
  const { conv } = turn;
  if (!conv.caseId) return;
  const draft = conv.draft;
  const story = draft.story ?? [];
  const files = draftAttachments(draft);
  for (let i = draft.savedStory ?? 0; i < story.length; i++) {
    await deps.cases.addChildMessage(conv.caseId, { text: story[i]!, attachments: [], asked: draft.storyAsked?.[i] ?? null, channel: turn.contact.channel });
  }
  const newFiles = files.slice(draft.savedAttachments ?? 0);
  if (newFiles.length) await deps.cases.addChildMessage(conv.caseId, { text: '', attachments: newFiles, channel: turn.contact.channel });
  draft.savedStory = story.length;
  draft.savedAttachments = files.length;
  await deps.cases.updateIntake(conv.caseId, intakeFields(draft));
}

/** Ends a flow: its case gets the whole draft and becomes the child's open case; the child gets a receipt. */
export async function finish(deps: EngineDeps, turn: Turn) {
  const { conv, t } = turn;
  const draft = conv.draft;
  const { code, urgent, harmType } = await fileDraft(deps, turn);
  // Honest words: "told right away" only when an alert channel reaches someone now.
  const alerted = urgent && (await deps.cases.staffReach()).length > 0;
  const next = t(`bot.receipt_next.${urgent ? (alerted ? 'urgent_alerted' : 'urgent') : (draft.kind ?? 'report')}`);
  turn.replies.push(turn.r.text(t('bot.receipt', { code, next, anywhere: anywhere(turn, deps.settings().channels ?? ['web']) })));
  if (draft.contactWish === 'none') turn.replies.push(turn.r.text(t('bot.receipt_no_reply')));
  // An adult who reported a child's harm, or asked for advice, learns what to do meanwhile: for a
  // report, the steps that fit its harm (the one chosen, else the one its risk words point to).
  const chosen = draft.harmType && draft.harmType !== 'other' ? draft.harmType : null;
  const harm = draft.kind === 'report' ? (chosen ?? harmType) : null;
  if (turn.voice === 'adult' && draft.kind !== 'opinion') turn.replies.push(turn.r.text(firstSteps(turn, draft.kind === 'advice' ? 'after_advice' : 'after_report', { harm })));
  turn.replies.push(turn.r.menu());
  conv.step = 'idle';
  conv.draft = {};
  conv.caseId = null;
}

/** Order in which the chat channels are named. */
const CHANNEL_ORDER: readonly Channel[] = ['telegram', 'zalo', 'web'];

/**
 * Where else the code can be typed, for the receipt: the chat channels this service runs, only
 * those ("trên Telegram hoặc web đều được"); nothing when there is only one.
 */
function anywhere(turn: Turn, channels: readonly Channel[]): string {
  const running = CHANNEL_ORDER.filter((c) => channels.includes(c));
  if (running.length < 2) return '';
  const names = running.map((c) => turn.t(`fixes.receipt.channel_names.${c}`));
  return turn.t('fixes.receipt.anywhere', { channels: new Intl.ListFormat(turn.lang, { type: 'disjunction' }).format(names) });
}

/** Puts the draft in its case: the one danger opened during the flow, or a new one. */
async function fileDraft(deps: EngineDeps, turn: Turn): Promise<{ code: string; urgent: boolean; harmType: string | null }> {
  const { conv, contact } = turn;
  const existing = conv.caseId ? await deps.cases.findById(conv.caseId) : null;
  if (existing) {
    await flushToCase(deps, turn);
    contact.openCaseId = existing._id;
    return { code: existing.code, urgent: existing.priority === 'urgent', harmType: existing.harmType ?? null };
  }
  // No case yet (or it was removed meanwhile): everything the draft holds goes into a new one.
  conv.caseId = null;
  const created = await openCaseFromDraft(deps, turn, null);
  contact.openCaseId = created._id;
  return { code: created.code, urgent: created.priority === 'urgent', harmType: created.harmType ?? null };
}
