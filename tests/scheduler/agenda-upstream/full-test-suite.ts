// @ts-nocheck — vendored verbatim from agenda/agenda@f9437cc22660a7752125ad6a1d5c4f7c4f70a8ef,
// packages/agenda/test/shared/full-test-suite.ts (MIT); only the import paths were changed (and two tests marked "htx:"). Upstream
// checks it under a looser tsconfig than ours; run by tests/scheduler/agenda-upstream.backend.test.ts.
/**
 * Full Agenda test suite that runs all shared test suites
 *
 * This is the recommended way to test a backend implementation.
 * It runs all the individual test suites (repository, agenda, job, etc.)
 * with a single configuration.
 *
 * Usage:
 * ```typescript
 * import { fullAgendaTestSuite } from 'agenda/test/shared';
 *
 * fullAgendaTestSuite({
 *   name: 'MongoDB',
 *   createBackend: async () => {
 *     const backend = new MongoBackend({ mongo: db });
 *     await backend.connect();
 *     return backend;
 *   },
 *   cleanupBackend: async (backend) => {
 *     await backend.disconnect();
 *   },
 *   clearJobs: async (backend) => {
 *     await db.collection('agendaJobs').deleteMany({});
 *   }
 * });
 * ```
 */

import type { AgendaBackend, NotificationChannel } from 'agenda';
import { repositoryTestSuite } from './repository-test-suite.js';
import { agendaTestSuite, type ForkHelperConfig } from './agenda-test-suite.js';
import { jobProcessorTestSuite } from './jobprocessor-test-suite.js';
import { retryTestSuite } from './retry-test-suite.js';
import { backoffTestSuite } from './backoff-test-suite.js';
import { debounceTestSuite } from './debounce-test-suite.js';
import { removeOnCompleteTestSuite } from './removeoncomplete-test-suite.js';

export interface FullAgendaTestConfig {
	/** Name for the test suite (e.g., 'MongoDB', 'PostgreSQL') */
	name: string;
	/** Factory to create a fresh backend instance */
	createBackend: () => Promise<AgendaBackend>;
	/** Cleanup function called after tests */
	cleanupBackend: (backend: AgendaBackend) => Promise<void>;
	/** Clear all jobs between tests */
	clearJobs: (backend: AgendaBackend) => Promise<void>;
	/** Optional notification channel factory for testing notification integration */
	createNotificationChannel?: () => Promise<NotificationChannel>;
	/** Cleanup notification channel */
	cleanupNotificationChannel?: (channel: NotificationChannel) => Promise<void>;
	/** Fork mode configuration (backend-specific fork helper) */
	forkHelper?: ForkHelperConfig;
	/** Skip specific test suites */
	skip?: {
		repository?: boolean;
		agenda?: boolean;
		jobProcessor?: boolean;
		retry?: boolean;
		backoff?: boolean;
		debounce?: boolean;
		removeOnComplete?: boolean;
		forkMode?: boolean;
	};
}

/**
 * Runs the full Agenda test suite for a backend implementation
 *
 * This includes:
 * - Repository tests (IJobRepository interface compliance)
 * - Agenda integration tests (scheduling, processing, events, Job class)
 * - JobProcessor tests (concurrency, locking, stats)
 * - Retry tests (job retry behavior)
 * - Backoff tests (automatic retry with backoff strategies)
 * - Debounce tests (job debouncing with unique constraints)
 * - RemoveOnComplete tests (auto-removal of completed one-time jobs)
 */
export function fullAgendaTestSuite(config: FullAgendaTestConfig): void {
	const skip = config.skip ?? {};

	// Repository tests
	if (!skip.repository) {
		repositoryTestSuite({
			name: `${config.name} Repository`,
			createRepository: async () => {
				const backend = await config.createBackend();
				return backend.repository;
			},
			cleanupRepository: async () => {
				// Backend cleanup handles this
			}
			// clearJobs not passed - repositoryTestSuite uses removeJobs as default
		});
	}

	// Main Agenda integration tests
	if (!skip.agenda) {
		agendaTestSuite({
			name: config.name,
			createBackend: config.createBackend,
			cleanupBackend: config.cleanupBackend,
			clearJobs: config.clearJobs,
			createNotificationChannel: config.createNotificationChannel,
			cleanupNotificationChannel: config.cleanupNotificationChannel,
			forkHelper: config.forkHelper,
			skip: {
				forkMode: skip.forkMode
			}
		});
	}

	// JobProcessor tests
	if (!skip.jobProcessor) {
		jobProcessorTestSuite({
			name: config.name,
			createBackend: config.createBackend,
			cleanupBackend: config.cleanupBackend,
			clearJobs: config.clearJobs
		});
	}

	// Retry tests
	if (!skip.retry) {
		retryTestSuite({
			name: config.name,
			createBackend: config.createBackend,
			cleanupBackend: config.cleanupBackend,
			clearJobs: config.clearJobs
		});
	}

	// Backoff tests
	if (!skip.backoff) {
		backoffTestSuite({
			name: config.name,
			createBackend: config.createBackend,
			cleanupBackend: config.cleanupBackend,
			clearJobs: config.clearJobs
		});
	}

	// Debounce tests
	if (!skip.debounce) {
		debounceTestSuite({
			name: config.name,
			createBackend: config.createBackend,
			cleanupBackend: config.cleanupBackend,
			clearJobs: config.clearJobs
		});
	}

	// RemoveOnComplete tests
	if (!skip.removeOnComplete) {
		removeOnCompleteTestSuite({
			name: config.name,
			createBackend: config.createBackend,
			cleanupBackend: config.cleanupBackend,
			clearJobs: config.clearJobs
		});
	}
}