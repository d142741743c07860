/** Job names, in one place. */
export const JOBS = {
  /** Delivers due outbox messages; recurring, and run at once after each enqueue. */
  deliverOutbox: 'outbox.deliver',
  /** Handles inbound updates left pending by a crash or a failure. */
  sweepInbound: 'inbound.sweep',
  /** Fetches the photos and voice notes a platform keeps (Telegram) into the evidence store; recurring, and run at once when one is queued. */
  fetchEvidence: 'evidence.fetch',
  /** The escalation ladder: steps every case and forwarded opinion whose `nextReminderAt` has come (scheduler/ladder.ts). */
  sweepLadder: 'ladder.sweep',
} as const;
