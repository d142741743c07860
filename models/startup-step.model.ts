import { defineModel } from './define.js';

/**
 * What an idempotent start-up step (a backfill, a matching of old data to new rules) last ran
 * against, so that a start finds it done without reading the data again. `_id` is the step's
 * name; `key` says what it ran against (a version, a hash of the list it used).
 */
export interface StartupStep {
  _id: string;
  key: string;
  createdAt: Date;
  updatedAt: Date;
}

export const StartupStepModel = defineModel<StartupStep>('startup_steps', {
  key: { type: String, required: true, maxlength: 200 },
});
