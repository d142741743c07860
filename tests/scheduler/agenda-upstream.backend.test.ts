/**
 * agenda's own backend test suites, run against the embedded (SQLite) backend.
 *
 * Source: github.com/agenda/agenda at f9437cc22660a7752125ad6a1d5c4f7c4f70a8ef,
 * packages/agenda/test/shared/*.ts (the suites agenda's MongoDB, PostgreSQL and Redis backends
 * run through `fullAgendaTestSuite`), vendored in ./agenda-upstream/ with their assertions
 * unchanged; the npm package does not ship them. Fork mode is not run: it needs a fork helper
 * script per backend, and this application never forks jobs.
 */
import { fullAgendaTestSuite } from './agenda-upstream/full-test-suite.js';
import { EmbeddedAgendaBackend } from '../../scheduler/embedded/embedded-agenda.backend.js';
import type { EmbeddedJobRepository } from '../../scheduler/embedded/embedded-job.repository.js';
import { SqliteDatabase } from '../../store/sqlite/sqlite-database.js';

// One database shared by every backend the suites create, as the application shares the
// store's (and as upstream's PostgreSQL leg shares one pool): agenda.stop() leaves it open.
const database = SqliteDatabase.open(':memory:');

fullAgendaTestSuite({
  name: 'EmbeddedAgendaBackend (SQLite)',
  createBackend: async () => {
    const backend = new EmbeddedAgendaBackend({ database });
    await backend.connect();
    return backend;
  },
  cleanupBackend: async (backend) => {
    await backend.disconnect();
  },
  clearJobs: async (backend) => {
    await (backend.repository as EmbeddedJobRepository).purgeAllJobs();
  },
  skip: { forkMode: true },
});
