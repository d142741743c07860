import fs from 'node:fs';
import path from 'node:path';
import NedbModule from '@seald-io/nedb';
import { JsonTable, type Doc } from './json-table.js';
import type { SqliteDatabase } from './sqlite-database.js';

// NeDB is CommonJS typed as an ES default export: under NodeNext the class is the module itself.
const Datastore = ((NedbModule as unknown as { default?: unknown }).default ?? NedbModule) as typeof NedbModule.default;

/** Where the NeDB engine kept its files: one `<collection>.db` per collection, and agenda's jobs. */
export const NEDB_DIR = 'db';
const TABLE_OF_FILE: Record<string, string> = { 'agenda-jobs': 'agenda_jobs' };

/** What a migration did, for the log line. */
export interface NedbMigration {
  documents: number;
  tables: number;
  movedTo: string;
}

/**
 * Moves the data of the former NeDB engine (`DATA_DIR/db/*.db`) into the SQLite database, once:
 * every file's documents go into the table of the same name (agenda's jobs into its jobs
 * table) in one transaction, as they were stored (the tables' indexes and the word index are
 * built when the store opens them), then the old files are moved aside to
 * `DATA_DIR/nedb-migrated-<time>/`. Returns null when there is nothing to migrate.
 */
export async function migrateNedbFiles(database: SqliteDatabase, dataDir: string): Promise<NedbMigration | null> {
  const dir = path.join(dataDir, NEDB_DIR);
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.db')) : [];
  if (files.length === 0) return null;
  const db = database.db;
  db.exec('CREATE TABLE IF NOT EXISTS htx_migrations (name TEXT PRIMARY KEY, at TEXT NOT NULL)');
  const done = db.prepare(`SELECT 1 FROM htx_migrations WHERE name = 'nedb'`).all().length > 0;
  let documents = 0;
  if (!done) {
    const loaded: [string, Doc[]][] = [];
    for (const file of files) {
      const store = new Datastore<Doc>({ filename: path.join(dir, file) });
      await store.loadDatabaseAsync();
      const name = path.basename(file, '.db');
      loaded.push([TABLE_OF_FILE[name] ?? name, store.getAllData()]);
    }
    database.atomically(() => {
      for (const [name, docs] of loaded) {
        const table = new JsonTable(database, name, () => null, []).create();
        for (const doc of docs) table.insert(doc);
        documents += docs.length;
      }
      db.prepare(`INSERT INTO htx_migrations (name, at) VALUES ('nedb', ?)`).run(new Date().toISOString());
    });
  }
  const movedTo = path.join(dataDir, `nedb-migrated-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  fs.renameSync(dir, movedTo);
  return { documents, tables: files.length, movedTo };
}
