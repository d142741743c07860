import { Query } from 'mingo';
import type { Filter } from '../store.js';
import { searchWords } from '../../models/search-words.js';
import { decodeDoc } from './json-codec.js';
import type { SqliteDatabase } from './sqlite-database.js';

type Doc = { _id: string } & Record<string, unknown>;

/** A collection's word search: its text field, and optionally the groups it is searched by (see ModelDef.searchGroup). */
export interface WordSearch {
  field: string;
  group?: { by: string; when: Filter };
}

/** A prepared statement, as JsonTable caches them. */
interface Statement {
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** A full-text row id: the group's number in the high 32 bits (0: in no group), the document's row id in the low ones. */
const GROUP_SHIFT = 32n;
const ROW_MASK = 0xffffffff;

/**
 * The full-text index (FTS5) of one collection's text field: one row per document holding its
 * folded words. Contentless (the words are not stored a second time), its rows deletable
 * (`contentless_delete`) without a trace in its pages (`secure-delete`); prefix indexes for
 * word starts of 2 and 3 letters, the ones typed most and the slowest to expand.
 *
 * With a group (messages grouped by case), a document matching `when` gets its group's number
 * (numbered in the order groups first appear: `<table>__word_groups`) in the high bits of its
 * full-text row id, so that a search in the groups' words reads the groups' numbers off the
 * full-text index, newest group first, and never the documents themselves.
 */
export class WordIndex {
  private erased = false;
  private readonly when: Query | null;

  constructor(
    private readonly database: SqliteDatabase,
    private readonly table: string,
    readonly spec: WordSearch,
    private readonly prepare: (sql: string) => Statement,
  ) {
    this.when = spec.group ? new Query(spec.group.when) : null;
  }

  private get words() {
    return `${this.table}__words`;
  }

  private get groups() {
    return `${this.table}__word_groups`;
  }

  /** The paths whose change moves a document's words: a write to them cannot bypass {@link index}. */
  get paths(): string[] {
    const group = this.spec.group;
    return [this.spec.field, ...(group ? [group.by, ...Object.keys(group.when)] : [])];
  }

  private get createSql() {
    return `CREATE VIRTUAL TABLE "${this.words}" USING fts5(words, content='', contentless_delete=1, prefix='2 3', tokenize='unicode61 remove_diacritics 2')`;
  }

  /**
   * Creates the index, or builds it anew when the file holds one of an earlier form (without
   * the prefix indexes or the groups): from the documents, in the order they were stored.
   * Idempotent; a no-op once the index is in its present form.
   */
  create(): void {
    const db = this.database.db;
    const exists = (name: string) => db.prepare(`SELECT sql FROM sqlite_master WHERE name = ?`).all(name) as { sql: string }[];
    const [found] = exists(this.words);
    if (found?.sql === this.createSql && (!this.spec.group || exists(this.groups).length > 0)) return;
    this.database.atomically(() => {
      // Dropped pages are overwritten (secure_delete): no old word stays in the file.
      if (found) db.exec(`DROP TABLE "${this.words}"`);
      db.exec(`DROP TABLE IF EXISTS "${this.groups}"`);
      db.exec(this.createSql);
      // Deleted rows leave the index's pages at once, not at the next merge.
      db.exec(`INSERT INTO "${this.words}" ("${this.words}", rank) VALUES ('secure-delete', 1)`);
      if (this.spec.group) db.exec(`CREATE TABLE "${this.groups}" (g INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE)`);
      const fields = this.paths.map((p) => `, '${p}', doc -> '$.${p}'`).join('');
      // Read one row at a time (a store of 100k cases holds 300k messages), written as they come.
      const rows = db.prepare(`SELECT rowid AS r, json_object('_id', _id${fields}) AS d FROM "${this.table}" ORDER BY rowid`).iterate() as IterableIterator<{ r: number; d: string }>;
      for (const row of rows) this.index(row.r, decodeDoc<Doc>(row.d), null);
    });
  }

  private folded(doc: Doc): string {
    const text = doc[this.spec.field];
    return typeof text === 'string' ? searchWords(text).join(' ') : '';
  }

  /** The group key of a document, when it belongs to one. */
  private groupKey(doc: Doc): string | null {
    const key = this.spec.group && this.when!.test(doc) ? doc[this.spec.group.by] : null;
    return typeof key === 'string' && key ? key : null;
  }

  /** The full-text row id of a document; its group numbered now when `assign` and it has none yet. */
  private rowidOf(rowid: number | bigint, doc: Doc, assign: boolean): bigint {
    const key = this.groupKey(doc);
    let g = 0;
    if (key !== null) {
      const found = this.prepare(`SELECT g FROM "${this.groups}" WHERE key = ?`).get(key) as { g: number } | undefined;
      g = found ? found.g : assign ? Number(this.prepare(`INSERT INTO "${this.groups}" (key) VALUES (?)`).run(key).lastInsertRowid) : 0;
    }
    if (BigInt(rowid) > BigInt(ROW_MASK)) throw new Error(`${this.table}: row ids beyond 2^32 cannot be word-indexed`);
    return (BigInt(g) << GROUP_SHIFT) | BigInt(rowid);
  }

  /**
   * Keeps a document's words in the index: nothing to do when neither its words nor its group
   * changed (`before` given, null when it is new); otherwise the old row goes and the new one
   * comes. Words that leave the index are noted, for {@link purgeErased}.
   */
  index(rowid: number | bigint, doc: Doc | null, before: Doc | null) {
    const next = doc ? this.folded(doc) : '';
    if (before) {
      const prev = this.folded(before);
      if (prev === next && doc && this.groupKey(before) === this.groupKey(doc)) return;
      const kept = new Set(next.split(' '));
      if (prev.split(' ').some((w) => w && !kept.has(w))) this.erased = true;
      if (prev) this.prepare(`DELETE FROM "${this.words}" WHERE rowid = ?`).run(this.rowidOf(rowid, before, false));
    }
    if (next && doc) this.prepare(`INSERT INTO "${this.words}" (rowid, words) VALUES (?, ?)`).run(this.rowidOf(rowid, doc, true), next);
  }

  /**
   * After words were erased: rewrites the index, so that no erased word stays in its pages
   * (FTS5 keeps a deleted term's key until its segment is merged; secure_delete then zeroes the
   * freed pages). A whole-index rewrite, so it runs once per erasing operation.
   */
  purgeErased() {
    if (!this.erased) return;
    this.erased = false;
    this.database.db.exec(`INSERT INTO "${this.words}" ("${this.words}") VALUES ('optimize')`);
  }

  /** The FTS5 query for folded words: each as a word or the start of one, all of them. */
  private match(words: string[]): string {
    return words.map((w) => `"${w}"*`).join(' ');
  }

  /** An SQL condition on the collection's row id (and its parameter): the documents holding the words. */
  condition(words: string[]): { sql: string; param: string } {
    return { sql: `rowid IN (SELECT rowid & ${ROW_MASK} FROM "${this.words}" WHERE "${this.words}" MATCH ?)`, param: this.match(words) };
  }

  /** The keys of the groups with a document holding the words, the group that appeared last first; at most `limit`. */
  groupsWith(words: string[], limit: number): string[] {
    if (!this.spec.group) throw new Error(`${this.table} has no word search groups`);
    const newest = `SELECT DISTINCT rowid >> ${GROUP_SHIFT} AS n FROM "${this.words}" WHERE "${this.words}" MATCH ? AND rowid >= ${1n << GROUP_SHIFT} ORDER BY rowid DESC LIMIT ?`;
    const rows = this.prepare(`SELECT g.key AS key FROM (${newest}) JOIN "${this.groups}" AS g ON g.g = n ORDER BY n DESC`).all(this.match(words), limit);
    return (rows as { key: string }[]).map((r) => r.key);
  }
}
