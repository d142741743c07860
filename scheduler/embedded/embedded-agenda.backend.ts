import type { AgendaBackend } from 'agenda';
import type { SqliteDatabase } from '../../store/sqlite/sqlite-database.js';
import { EmbeddedJobRepository } from './embedded-job.repository.js';

/** Options for {@link EmbeddedAgendaBackend}. */
export interface EmbeddedAgendaBackendOptions {
  /** The embedded store's database (the application's case): jobs live beside the cases. */
  database?: SqliteDatabase | undefined;
  /** A database file of its own (its directory is created); in memory when neither is given. */
  filename?: string | undefined;
}

/**
 * agenda 6 backend on the embedded engine (a jobs table in SQLite), used when no MONGODB_URI
 * is set. It behaves like `@agendajs/mongo-backend` for one process: polling only (no
 * notification channel) and no persistent job logger. agenda calls {@link connect} from its
 * constructor and, when the backend owns its database, {@link disconnect} from `stop()`.
 *
 * @example
 * const agenda = new Agenda({ backend: new EmbeddedAgendaBackend({ database: store.database }) });
 */
export class EmbeddedAgendaBackend implements AgendaBackend {
  readonly name = 'Embedded (SQLite)';
  readonly repository: EmbeddedJobRepository;
  readonly notificationChannel = undefined;
  /** True when the backend opened its database itself, so agenda.stop() may close it. */
  readonly ownsConnection: boolean;

  constructor(opts: EmbeddedAgendaBackendOptions = {}) {
    this.repository = new EmbeddedJobRepository(opts);
    this.ownsConnection = this.repository.ownsDatabase;
  }

  /** The jobs table is ready once constructed. Safe to call more than once. */
  connect(): Promise<void> {
    return this.repository.connect();
  }

  /** Closes the database if the backend opened it; the jobs stay readable in the file. */
  disconnect(): Promise<void> {
    return this.repository.disconnect();
  }
}
