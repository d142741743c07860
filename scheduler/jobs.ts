/** Job names, in one place. */
export const JOBS = {
  /** Sweeps the outbox for due messages; recurring. (A message is delivered on enqueue in process; this is the fallback.) */
  deliverOutbox: 'outbox.deliver',
  /** Handles inbound updates left pending by a crash or a failure. */
  sweepInbound: 'inbound.sweep',
  /** Fetches the photos and voice notes a platform keeps (Telegram) into the evidence store; recurring, and run at once when one is queued. */
  fetchEvidence: 'evidence.fetch',
  /** Erases the words and files of cases closed past the retention period, and stale records; daily. */
  eraseExpired: 'retention.erase',
  /** Reminds coordinators of the reports they owe (quarterly, monthly, yearly); daily. */
  remindReports: 'reports.remind',
} as const;
