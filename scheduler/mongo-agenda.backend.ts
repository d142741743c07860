import { MongoBackend } from '@agendajs/mongo-backend';
import type { MongoStore } from '../store/index.js';

/**
 * agenda's MongoDB backend on the application's own connection (its `agendaJobs` collection in
 * the same database): one connection pool, one set of credentials, and the wiring the tests run.
 */
export function mongoAgendaBackend(store: MongoStore): MongoBackend {
  const db = store.connection.db;
  if (!db) throw new Error('the MongoDB connection is not open');
  return new MongoBackend({ mongo: db });
}
