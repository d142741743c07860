/** Job names, in one place. */
export const JOBS = {
  /** Delivers due outbox messages; recurring, and run at once after each enqueue. */
  deliverOutbox: 'outbox.deliver',
  /** Handles inbound updates left pending by a crash or a failure. */
  sweepInbound: 'inbound.sweep',
  /** Fetches the photos and voice notes a platform keeps (Telegram) into the evidence store; recurring, and run at once when one is queued. */
  fetchEvidence: 'evidence.fetch',
} as const;
