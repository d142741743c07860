// @ts-nocheck — vendored verbatim from agenda/agenda@f9437cc22660a7752125ad6a1d5c4f7c4f70a8ef,
// packages/agenda/test/shared/retry-test-suite.ts (MIT); only the import paths were changed (and two tests marked "htx:"). Upstream
// checks it under a looser tsconfig than ours; run by tests/scheduler/agenda-upstream.backend.test.ts.
/**
 * Retry test factory
 *
 * This file exports a test factory for job retry tests.
 *
 * Usage:
 * ```typescript
 * import { retryTestSuite } from 'agenda/test/retry.test';
 *
 * retryTestSuite({
 *   name: 'Retry with MongoDB',
 *   createBackend: async () => new MongoBackend({ mongo: db }),
 *   cleanupBackend: async (backend) => await backend.disconnect(),
 *   clearJobs: async (backend) => await db.collection('agendaJobs').deleteMany({})
 * });
 * ```
 */

import { describe, it, expect, beforeEach, afterEach, beforeAll, afterAll } from 'vitest';
import type { AgendaBackend } from 'agenda';
import { Agenda } from 'agenda';

export interface RetryTestConfig {
	/** Name for the test suite */
	name: string;
	/** Factory to create a fresh backend instance */
	createBackend: () => Promise<AgendaBackend>;
	/** Cleanup function called after tests */
	cleanupBackend: (backend: AgendaBackend) => Promise<void>;
	/** Clear all jobs between tests */
	clearJobs: (backend: AgendaBackend) => Promise<void>;
}

/**
 * Retry tests
 */
export function retryTestSuite(config: RetryTestConfig): void {
	describe(`${config.name} - Retry`, () => {
		let backend: AgendaBackend;
		let agenda: Agenda;

		beforeAll(async () => {
			backend = await config.createBackend();
		});

		afterAll(async () => {
			await config.cleanupBackend(backend);
		});

		beforeEach(async () => {
			await config.clearJobs(backend);
			agenda = new Agenda({
				backend,
				processEvery: 100
			});
			await agenda.ready;
		});

		afterEach(async () => {
			if (agenda) {
				await agenda.stop();
			}
			await config.clearJobs(backend);
		});

		it('should retry a job - via attrs.nextRunAt', async () => {
			let shouldFail = true;

			agenda.define('a job', (_job, done) => {
				if (shouldFail) {
					shouldFail = false;
					return done(new Error('test failure'));
				}

				done();
				return undefined;
			});

			agenda.on('fail:a job', (_err, job) => {
				// Do nothing as this is expected to fail.
				job.attrs.nextRunAt = new Date();
			});

			const successPromise = new Promise(resolve => {
				agenda.on('success:a job', resolve);
			});

			await agenda.now('a job');

			await agenda.start();
			await successPromise;
		});

		it('should retry a job - via schedule()', async () => {
			let shouldFail = true;

			agenda.define('a job', (_job, done) => {
				if (shouldFail) {
					shouldFail = false;
					return done(new Error('test failure'));
				}

				done();
				return undefined;
			});

			agenda.on('fail:a job', (_err, job) => {
				// Do nothing as this is expected to fail.
				job.schedule('now').save();
			});

			const successPromise = new Promise(resolve => {
				agenda.on('success:a job', resolve);
			});

			await agenda.now('a job');

			await agenda.start();
			await successPromise;
		});

		it('should track failCount on retry - via attrs.nextRunAt', async () => {
			let attempts = 0;

			agenda.define('failing-job', async () => {
				attempts++;
				if (attempts < 3) {
					throw new Error(`Attempt ${attempts} failed`);
				}
			});

			agenda.on('fail:failing-job', (_err, job) => {
				// Retry immediately
				job.attrs.nextRunAt = new Date();
			});

			const successPromise = new Promise(resolve => {
				agenda.on('success:failing-job', resolve);
			});

			await agenda.now('failing-job');
			await agenda.start();
			await successPromise;
			expect(attempts).toBe(3);
		});

		it('should track failCount on retry - via schedule()', async () => {
			let attempts = 0;

			agenda.define('failing-job', async () => {
				attempts++;
				if (attempts < 3) {
					throw new Error(`Attempt ${attempts} failed`);
				}
			});

			agenda.on('fail:failing-job', (_err, job) => {
				// Retry immediately
				job.schedule('now').save();
			});

			const successPromise = new Promise(resolve => {
				agenda.on('success:failing-job', resolve);
			});

			await agenda.now('failing-job');
			await agenda.start();
			await successPromise;

			expect(attempts).toBe(3);
		});
	});
}

