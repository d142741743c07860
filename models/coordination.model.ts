import { defineModel } from './define.js';

/**
 * What several instances of the application share to coordinate: counters of fixed time
 * windows (rate limits), leases (one holder at a time) and sequences (numbers that only grow).
 * Used through `coordination/`, never directly.
 */

/** The number of hits one key made in one window of one limit. */
export interface RateWindow {
  _id: string;
  count: number;
  /** The end of the window; the document is useless after it (MongoDB removes it, see TTL). */
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export const RateWindowModel = defineModel<RateWindow>(
  'rate_windows',
  {
    count: { type: Number, required: true, default: 0 },
    expiresAt: { type: Date, required: true },
  },
  (s) => {
    s.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
  },
);

/** A lease: who holds it, and until when unless renewed. `_id` is the lease's name. */
export interface Lease {
  _id: string;
  holder: string;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export const LeaseModel = defineModel<Lease>('leases', {
  holder: { type: String, required: true },
  expiresAt: { type: Date, required: true },
});

/** The last number a sequence gave out. `_id` is the sequence's name. */
export interface Sequence {
  _id: string;
  value: number;
  createdAt: Date;
  updatedAt: Date;
}

export const SequenceModel = defineModel<Sequence>('sequences', {
  value: { type: Number, required: true, default: 0, min: 0 },
});
