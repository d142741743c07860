import { find as mingoFind, Query } from 'mingo';
import type { Filter, FindOptions, Sort } from '../store.js';
import { compileFilter, compileSort, fieldExpr, type TypeOf } from './filter-sql.js';
import { decodeDoc, encodeDoc } from './json-codec.js';
import { WordIndex, type WordSearch } from './word-index.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { Tally } from './tally.js';

export type Doc = { _id: string } & Record<string, unknown>;

/** An index as a mongoose schema declares it: `[[path, 1 | -1], …]`, unique or not. */
export interface IndexSpec {
  fields: [string, 1 | -1][];
  unique?: boolean;
  sparse?: boolean;
}

/** A stored document with its row id (for updates in place). */
export interface Row<D> {
  rowid: number;
  doc: D;
}

/** A prepared statement taking any number of parameters. */
export interface Statement {
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
}

const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const isUniqueViolation = (err: unknown) =>
  /^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/.test(String((err as { code?: unknown }).code ?? ''));

/**
 * One collection as a table of JSON documents (`_id` column + JSONB `doc`), with expression
 * indexes for the declared indexes. A filter's indexable part runs in SQL (see filter-sql.ts),
 * mingo applies the rest to the narrowed rows; sort, skip and limit run in SQL whenever the
 * sorted paths allow. Every method is synchronous: callers pass the database's gate first.
 */
export class JsonTable<D extends Doc = Doc> {
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly database: SqliteDatabase,
    readonly name: string,
    readonly typeOf: TypeOf,
    readonly indexes: IndexSpec[],
    /** A text field kept in a full-text index (FTS5) of its folded words, and how it is grouped. */
    search?: WordSearch,
    /** Fields whose combinations are counted in a tally table (see tally.ts). */
    tally?: readonly string[],
  ) {
    if (!SAFE_NAME.test(name)) throw new Error(`unsupported collection name ${name}`);
    this.words = search ? new WordIndex(database, name, search, (sql) => this.prepare(sql)) : null;
    this.tally = tally?.length ? new Tally(database, name, tally, typeOf) : null;
  }

  private readonly tally: Tally | null;

  /** The full-text index of the search field, if there is one. */
  readonly words: WordIndex | null;

  /**
   * Creates the table and its indexes (if missing), drops the indexes its schema no longer
   * names (each costs every write), and makes its word index (built anew when of an earlier form).
   */
  create(): this {
    const db = this.database.db;
    db.exec(`CREATE TABLE IF NOT EXISTS "${this.name}" (_id TEXT NOT NULL PRIMARY KEY, doc BLOB NOT NULL)`);
    const named = new Set<string>();
    for (const index of this.indexes) {
      const sql = this.indexSql(index);
      if (!sql) continue;
      db.exec(sql);
      named.add(this.indexName(index));
    }
    const existing = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`).all(this.name) as { name: string }[];
    for (const { name } of existing) if (!named.has(name)) db.exec(`DROP INDEX "${name}"`);
    this.words?.create();
    this.tally?.create();
    return this;
  }

  /** Keeps a document's words in the full-text index (see WordIndex.index). */
  private indexWords(rowid: number | bigint, doc: D | null, before: D | null) {
    this.words?.index(rowid, doc, before);
  }

  /** After words were erased: rewrites the full-text index so that none stays in its pages. */
  purgeErasedWords() {
    this.words?.purgeErased();
  }

  private indexName(index: IndexSpec): string {
    return `${this.name}__${index.fields.map(([p, d]) => `${p.replace(/\./g, '_')}${d === -1 ? '_desc' : ''}`).join('__')}`;
  }

  private indexSql(index: IndexSpec): string | null {
    const terms: string[] = [];
    for (const [path, dir] of index.fields) {
      const type = path === '_id' ? 'id' : this.typeOf(path);
      // A path SQL cannot type (an array, free-form data) is left to mingo.
      if (!type) return null;
      terms.push(`${fieldExpr(path, type)}${dir === -1 ? ' DESC' : ''}`);
    }
    const indexName = this.indexName(index);
    const partial = index.unique && index.sparse ? ` WHERE ${terms.map((t) => `${t.replace(/ DESC$/, '')} IS NOT NULL`).join(' AND ')}` : '';
    return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS "${indexName}" ON "${this.name}" (${terms.join(', ')})${partial}`;
  }

  prepare(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.database.db.prepare(sql) as unknown as Statement;
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  /**
   * The SELECT a find runs: exact (SQL filters, sorts and pages), ordered (SQL filters and
   * sorts, mingo tests each row until the page is full) or narrowed (mingo does the rest).
   */
  private plan(filter: Filter, options: FindOptions = {}, words?: string[]) {
    const compiled = compileFilter(filter, this.typeOf);
    const { residual } = compiled;
    let { where, params } = compiled;
    if (words) {
      const match = this.words!.condition(words);
      where = `${match.sql} AND ${where}`;
      params = [match.param, ...params];
    }
    const order = options.sort && Object.keys(options.sort).length > 0 ? compileSort(options.sort, this.typeOf) : 'rowid ASC';
    const skip = options.skip ?? 0;
    const limit = options.limit ?? 0;
    const base = `SELECT rowid AS r, ${selected(options.fields, residual)} AS d FROM ${this.source(filter, !!words)} WHERE ${where}`;
    if (order !== null && !residual) {
      const page = limit > 0 || skip > 0 ? ` LIMIT ${limit > 0 ? limit : -1} OFFSET ${skip}` : '';
      return { mode: 'exact' as const, sql: `${base} ORDER BY ${order}${page}`, params, residual, skip, limit };
    }
    if (order !== null) return { mode: 'ordered' as const, sql: `${base} ORDER BY ${order}`, params, residual: residual!, skip, limit };
    return { mode: 'narrowed' as const, sql: base, params, residual, skip, limit };
  }

  /**
   * The table as a query reads it: by `_id` when the filter names its documents by a list of ids
   * (a word search's cases), which no other condition beside it can narrow further. Without
   * statistics SQLite guesses an equality matches ten rows and would rather walk a coordinator's
   * provinces (30,000 cases at 100k) testing each against the list.
   */
  private source(filter: Filter, words: boolean): string {
    const conjuncts = [filter, ...(Array.isArray(filter.$and) ? (filter.$and as Filter[]) : [])];
    const ids = (f: Filter) => (f._id as { $in?: unknown } | undefined)?.$in;
    const byIds = !words && conjuncts.some((f) => {
      const list = ids(f);
      return Array.isArray(list) && list.length > 0 && list.every((id) => typeof id === 'string');
    });
    return byIds ? `"${this.name}" INDEXED BY "sqlite_autoindex_${this.name}_1"` : `"${this.name}"`;
  }

  /** SQLite's query plan for a find (EXPLAIN QUERY PLAN details), and how much SQL answers. */
  explain(filter: Filter, options?: FindOptions, words?: string[]): { mode: 'exact' | 'ordered' | 'narrowed'; plan: string[] } {
    const { mode, sql, params } = this.plan(filter, options, words);
    return { mode, plan: this.database.explain(sql, params) };
  }

  /** SQLite's query plan for a count (EXPLAIN QUERY PLAN details). */
  explainCount(filter: Filter): string[] {
    const tallied = this.tally?.countSql(filter);
    if (tallied) return this.database.explain(tallied.sql, tallied.params);
    const { where, params } = compileFilter(filter, this.typeOf);
    return this.database.explain(`SELECT count(*) FROM "${this.name}" WHERE ${where}`, params);
  }

  /** The matching rows, in MongoDB's meaning of the filter. */
  rows(filter: Filter, options: FindOptions = {}, words?: string[]): Row<D>[] {
    const { mode, sql, params, residual, skip, limit } = this.plan(filter, options, words);
    if (mode === 'exact') {
      // One row asked for: one call into the driver (`all` reads through an iterator of 100-row batches).
      if (limit === 1 && skip === 0) {
        const raw = this.prepare(sql).get(...params) as { r: number; d: string } | undefined;
        return raw ? [toRow<D>(raw)] : [];
      }
      return (this.prepare(sql).all(...params) as { r: number; d: string }[]).map(toRow<D>);
    }
    if (mode === 'ordered') {
      // SQL orders, mingo tests each row; stop as soon as the page is full. Rows are read in
      // batches (a statement left half-read would hold the database's read lock).
      const test = new Query(residual!);
      const out: Row<D>[] = [];
      const batch = Math.max(100, 2 * (skip + limit));
      let skipped = 0;
      for (let offset = 0; ; offset += batch) {
        const raws = this.prepare(`${sql} LIMIT ${batch} OFFSET ?`).all(...params, offset) as { r: number; d: string }[];
        for (const raw of raws) {
          const row = toRow<D>(raw);
          if (!test.test(row.doc) || skipped++ < skip) continue;
          out.push(row);
          if (limit > 0 && out.length >= limit) return out;
        }
        if (raws.length < batch) return out;
      }
    }
    // A sort SQL cannot express: mingo filters and sorts the narrowed rows.
    const rows = (this.prepare(sql).all(...params) as { r: number; d: string }[]).map(toRow<D>);
    const byDoc = new Map(rows.map((row) => [row.doc as object, row]));
    let cursor = mingoFind<D>(rows.map((row) => row.doc), residual ?? {});
    if (options.sort) cursor = cursor.sort(options.sort);
    if (skip) cursor = cursor.skip(skip);
    if (limit) cursor = cursor.limit(limit);
    return (cursor.all() as D[]).map((doc) => byDoc.get(doc)!);
  }

  find(filter: Filter, options?: FindOptions): D[] {
    const docs = this.rows(filter, options).map((row) => row.doc);
    const fields = options?.fields;
    if (!fields || !compileFilter(filter, this.typeOf).residual) return docs;
    return docs.map((doc) => projected(doc, fields));
  }

  /**
   * The matching documents, read `size` at a time from one statement (its own, not the shared
   * cache), in storage order: for a stream over many documents. Until it is done or closed the
   * statement holds the connection's read snapshot open (no checkpoint can finish meanwhile), so
   * a caller reads it to the end or closes it, and passes the database's gate before each read.
   */
  cursor(filter: Filter, fields?: readonly string[]): { next(size: number): { docs: D[]; done: boolean }; close(): void } {
    const { where, params, residual } = compileFilter(filter, this.typeOf);
    const stmt = this.database.db.prepare(`SELECT ${selected(fields, residual)} AS d FROM "${this.name}" WHERE ${where}`) as unknown as Statement;
    const rows = stmt.iterate(...params);
    const test = residual ? new Query(residual) : null;
    let done = false;
    return {
      next(size) {
        const docs: D[] = [];
        while (!done && docs.length < size) {
          const step = rows.next();
          if (step.done) done = true;
          else docs.push(decodeDoc<D>((step.value as { d: string }).d));
        }
        const kept = test ? docs.filter((doc) => test.test(doc)) : docs;
        return { docs: test && fields ? kept.map((doc) => projected(doc, fields)) : kept, done };
      },
      close() {
        // Running the statement again resets it, which lets go of its snapshot.
        if (!done) stmt.get(...params);
        done = true;
      },
    };
  }

  /**
   * Applies a plain update in SQL to the first row the filter matches (every one with `many`),
   * without reading the documents: `set` (values already validated, as stored JSON), `unset`,
   * `inc`. Null when the filter or the update is not one SQL can answer alone (the caller takes
   * the general way); else how many rows matched.
   */
  updateInPlace(filter: Filter, change: InPlaceChange, many = false): number | null {
    const statement = this.inPlaceStatement(filter, change, many ? 'many' : 'one');
    return statement && Number(this.prepare(statement.sql).run(...statement.values).changes);
  }

  /**
   * The same for one document, first in `sort` order, read back as it is after the update in
   * the same statement (`RETURNING`). Undefined when SQL cannot answer it alone; null when
   * nothing matched.
   */
  updateOneReturning(filter: Filter, change: InPlaceChange, sort?: Sort): D | null | undefined {
    const order = sort && Object.keys(sort).length > 0 ? compileSort(sort, this.typeOf) : 'rowid ASC';
    if (order === null) return undefined;
    const statement = this.inPlaceStatement(filter, change, order);
    if (!statement) return undefined;
    const raw = this.prepare(`${statement.sql} RETURNING rowid AS r, json(doc) AS d`).get(...statement.values) as { r: number; d: string } | undefined;
    return raw ? toRow<D>(raw).doc : null;
  }

  /** The UPDATE of a plain change: to every matching row, or to the first in an order. */
  private inPlaceStatement(filter: Filter, change: InPlaceChange, rows: 'many' | 'one' | string): { sql: string; values: unknown[] } | null {
    const paths = [...Object.keys(change.set), ...change.unset, ...Object.keys(change.inc)];
    if (this.words && paths.some((p) => this.words!.paths.some((w) => p === w || p.startsWith(`${w}.`) || w.startsWith(`${p}.`)))) return null;
    if (paths.some((p) => !SAFE_NAME.test(p))) return null;
    const { where, params, residual } = compileFilter(filter, this.typeOf);
    if (residual) return null;
    let expr = 'doc';
    const values: unknown[] = [];
    const sets = Object.entries(change.set);
    const incs = Object.entries(change.inc);
    if (sets.length || incs.length) {
      expr = `jsonb_set(${expr}${sets.map(([p]) => `, '$.${p}', jsonb(?)`).join('')}${incs.map(([p]) => `, '$.${p}', coalesce(doc ->> '$.${p}', 0) + ?`).join('')})`;
      values.push(...sets.map(([, v]) => v), ...incs.map(([, n]) => n));
    }
    if (change.unset.length) expr = `jsonb_remove(${expr}${change.unset.map((p) => `, '$.${p}'`).join('')})`;
    const target =
      rows === 'many' ? where : `rowid = (SELECT rowid FROM "${this.name}" WHERE ${where}${rows === 'one' ? '' : ` ORDER BY ${rows}`} LIMIT 1)`;
    return { sql: `UPDATE "${this.name}" SET doc = ${expr} WHERE ${target}`, values: [...values, ...params] };
  }

  /** Documents whose search field holds every one of the (folded) words, as a word or its start. */
  findByWords(words: string[], filter: Filter, options?: FindOptions): D[] {
    if (!this.words) throw new Error(`${this.name} has no search field`);
    if (words.length === 0) return [];
    return this.rows(filter, options, words).map((row) => row.doc);
  }

  /** The keys of the newest groups (see WordIndex.groupsWith) with a document holding every one of the words. */
  groupsByWords(words: string[], limit: number): string[] {
    if (!this.words) throw new Error(`${this.name} has no search field`);
    return words.length === 0 || limit <= 0 ? [] : this.words.groupsWith(words, limit);
  }

  count(filter: Filter): number {
    const tallied = this.tally?.countSql(filter);
    if (tallied) return (this.prepare(tallied.sql).get(...tallied.params) as { n: number }).n;
    const { where, params, residual } = compileFilter(filter, this.typeOf);
    if (!residual) return (this.prepare(`SELECT count(*) AS n FROM ${this.source(filter, false)} WHERE ${where}`).get(...params) as { n: number }).n;
    return this.rows(filter).length;
  }

  insert(doc: D): void {
    const insert = () => {
      const { lastInsertRowid } = this.prepare(`INSERT INTO "${this.name}" (_id, doc) VALUES (?, jsonb(?))`).run(doc._id, encodeDoc(doc));
      this.indexWords(lastInsertRowid, doc, null);
    };
    if (this.words) this.database.atomically(insert);
    else insert();
  }

  /** Replaces a stored document; `before` (as it was) keeps the word index right (required when there is one). */
  replace(rowid: number, doc: D, before?: D): void {
    if (this.words && !before) throw new Error(`${this.name}: replacing a searchable document needs it as it was`);
    const replace = () => {
      this.prepare(`UPDATE "${this.name}" SET _id = ?, doc = jsonb(?) WHERE rowid = ?`).run(doc._id, encodeDoc(doc), rowid);
      this.indexWords(rowid, doc, before ?? null);
    };
    if (this.words) this.database.atomically(replace);
    else replace();
  }

  /** Replaces the document with the same `_id`; false when there is none (no search field). */
  replaceById(doc: D): boolean {
    return Number(this.prepare(`UPDATE "${this.name}" SET doc = jsonb(?) WHERE _id = ?`).run(encodeDoc(doc), doc._id).changes) > 0;
  }

  /** Deletes what matches and returns the deleted documents (their words leave the index). */
  delete(filter: Filter): D[] {
    const rows = this.rows(filter);
    const stmt = this.prepare(`DELETE FROM "${this.name}" WHERE rowid = ?`);
    this.database.atomically(() => {
      for (const row of rows) {
        this.indexWords(row.rowid, null, row.doc);
        stmt.run(row.rowid);
      }
    });
    return rows.map((r) => r.doc);
  }
}

/** What a SELECT reads of each document: only the asked fields when SQL answers the whole filter (mingo needs whole documents). */
function selected(fields: readonly string[] | undefined, residual: Filter | null): string {
  if (fields?.some((f) => !SAFE_NAME.test(f))) throw new Error(`unsupported field list ${fields.join(', ')}`);
  return fields && !residual ? `json_object('_id', _id${fields.map((f) => `, '${f}', doc -> '$.${f}'`).join('')})` : 'json(doc)';
}

/** Only `_id` and these fields of a document. */
function projected<D extends Doc>(doc: D, fields: readonly string[]): D {
  return Object.fromEntries([['_id', doc._id], ...fields.filter((f) => f in doc).map((f) => [f, doc[f]])]) as D;
}

/** A plain change applied in SQL (see lean-update.ts). */
export interface InPlaceChange {
  set: Record<string, string>;
  unset: string[];
  inc: Record<string, number>;
}

function toRow<D>(raw: { r: number; d: string }): Row<D> {
  return { rowid: raw.r, doc: decodeDoc<D>(raw.d) };
}
