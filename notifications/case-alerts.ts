import type { Logger } from '../app/logger.js';
import { suggestAssignees } from '../cases/assignment.js';
import type { Case, Referral } from '../models/index.js';
import type { Store } from '../store/index.js';
import type { Rung } from '../scheduler/ladder-plan.js';
import type { AlertChannel, AlertReport, NotificationService } from './notification.service.js';
import { recipientsFor } from './recipients.js';

/** What an alert about a case says: code, kind, priority, province — no words of the child. */
const caseParams = (c: Case) => ({ code: c.code, kind: c.kind, priority: c.priority, province: c.area?.province ?? null });

const channelsText = (channels: AlertChannel[]) => (channels.length ? channels.join(', ') : 'none');

/**
 * The alerts about cases: an urgent case (at arrival, or when an open case turns urgent), and each rung of the escalation ladder
 * (the ladder decides when; this decides who hears and what they read). Each alert names the
 * channels it went out on in the log, or "none".
 */
export class CaseAlerts {
  constructor(
    private readonly store: Store,
    private readonly notifications: NotificationService,
    private readonly logger: Logger,
  ) {}

  /** The channels an urgent alert reaches someone through now (empty: nobody will hear of it soon). */
  reach(): Promise<AlertChannel[]> {
    return this.notifications.reach();
  }

  /**
   * An urgent case: the province's coordinators (all while unknown) and the admins, at once.
   * `became`: a case already open turned urgent, and the alert says so rather than "just arrived".
   */
  async urgentCase(c: Case, became = false): Promise<AlertReport> {
    const recipients = await recipientsFor(this.store, 'urgent', c);
    const report = await this.notifications.send({
      key: `urgent:${c._id}`,
      event: became ? 'became_urgent' : 'urgent',
      params: { ...caseParams(c), dueAt: c.firstResponseDueAt?.toISOString() ?? null },
      caseId: c._id,
      link: `/admin/cases/${c._id}`,
      urgent: true,
      recipients,
      group: true,
    });
    const reached = report.channels;
    const line = reached.length ? `urgent case: staff alerted through ${channelsText(reached)}` : 'urgent case: NO alert channel reaches staff now (no staff group, no e-mail, nobody signed in); stored for the back office';
    this.logger.warn({ caseCode: c.code, kind: c.kind, reasons: c.urgentReasons, channels: reached, recipients: report.recipients }, line);
    return report;
  }

  /** A rung of a case's first-response ladder. */
  async caseRung(c: Case, rung: Rung, repeat: boolean, count: number): Promise<AlertReport> {
    const audience = rung === 1 ? 'rung1' : rung === 2 ? 'rung2' : 'rung3';
    const recipients = await recipientsFor(this.store, audience, c);
    const suggestion = rung === 2 ? (await suggestAssignees(this.store, c)).find((s) => s.staffId !== c.assigneeId) : undefined;
    const event = rung === 1 && !c.assigneeId ? 'ladder_1_unassigned' : `ladder_${rung}`;
    const report = await this.notifications.send({
      key: `ladder:${c._id}:${count}`,
      event,
      params: { ...caseParams(c), dueAt: ((c.childWaitingSince && c.replyDueAt) || c.firstResponseDueAt)?.toISOString() ?? null, repeat, suggestedId: suggestion?.staffId ?? null, suggestedName: suggestion?.name ?? null },
      caseId: c._id,
      link: `/admin/cases/${c._id}${rung === 2 ? '#assign' : ''}`,
      urgent: c.priority === 'urgent',
      recipients,
      group: rung >= 2,
    });
    this.logger.info({ caseCode: c.code, rung, repeat, channels: report.channels, recipients: report.recipients }, `ladder: rung ${rung} alerted through ${channelsText(report.channels)}`);
    return report;
  }

  /** A rung of a forwarded opinion's ladder: the agency's answer is (nearly) due. */
  async agencyRung(r: Referral, c: Case, rung: Rung, repeat: boolean, count: number): Promise<AlertReport> {
    const audience = rung === 1 ? 'rung1' : rung === 2 ? 'rung2' : 'rung3';
    const recipients = await recipientsFor(this.store, audience, c);
    const report = await this.notifications.send({
      key: `agency:${r._id}:${count}`,
      event: `agency_${rung}`,
      params: { ...caseParams(c), agency: r.agencyName ?? null, dueAt: r.dueAt?.toISOString() ?? null, repeat },
      caseId: c._id,
      link: `/admin/cases/${c._id}#referrals`,
      urgent: false,
      recipients,
      group: rung >= 2,
    });
    this.logger.info({ caseCode: c.code, referralId: r._id, rung, repeat, channels: report.channels }, `ladder: agency answer rung ${rung} alerted through ${channelsText(report.channels)}`);
    return report;
  }
}
