import type { AgendaBackend } from 'agenda';
import { EmbeddedJobRepository } from './embedded-job.repository.js';

/** Options for {@link EmbeddedAgendaBackend}. */
export interface EmbeddedAgendaBackendOptions {
  /** NeDB data file (its directory is created); jobs live in memory only when omitted. */
  filename?: string | undefined;
  /** How often NeDB rewrites its append-only file, in ms; 60 s by default. */
  autocompactionIntervalMs?: number | undefined;
}

/**
 * agenda 6 backend on the embedded engine (NeDB + mingo), used when no MONGODB_URI is set.
 * It behaves like `@agendajs/mongo-backend` for one process: polling only (no notification
 * channel) and no persistent job logger. agenda calls {@link connect} from its constructor and
 * {@link disconnect} from `stop()`/`drain()` — but only if it was started, so a process that
 * only schedules jobs should call `disconnect()` itself to stop the compaction timer.
 *
 * @example
 * const agenda = new Agenda({ backend: new EmbeddedAgendaBackend({ filename: `${DATA_DIR}/agenda-jobs.db` }) });
 */
export class EmbeddedAgendaBackend implements AgendaBackend {
  readonly name = 'Embedded (NeDB)';
  readonly repository: EmbeddedJobRepository;
  readonly notificationChannel = undefined;
  /** The backend opens its own data file, so agenda.stop() may close it. */
  readonly ownsConnection = true;

  constructor(opts: EmbeddedAgendaBackendOptions = {}) {
    this.repository = new EmbeddedJobRepository(opts);
  }

  /** Loads the data file and starts periodic compaction. Safe to call more than once. */
  connect(): Promise<void> {
    return this.repository.connect();
  }

  /** Stops compaction and leaves a compacted data file; the jobs stay readable. */
  disconnect(): Promise<void> {
    return this.repository.disconnect();
  }
}
