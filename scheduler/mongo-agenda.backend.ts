import type { MongoBackend } from '@agendajs/mongo-backend';
import type { MongoStore } from '../store/index.js';

/**
 * agenda's MongoDB backend on the application's own connection (its `agendaJobs` collection in
 * the same database): one connection pool, one set of credentials, and the wiring the tests run.
 * Loaded only then: the embedded engine's start does not pay for it (0.3 s).
 */
export async function mongoAgendaBackend(store: MongoStore): Promise<MongoBackend> {
  const db = store.connection.db;
  if (!db) throw new Error('the MongoDB connection is not open');
  const { MongoBackend } = await import('@agendajs/mongo-backend');
  return new MongoBackend({ mongo: db });
}
