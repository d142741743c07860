import { find as mingoFind, Query } from 'mingo';
import type { Filter, FindOptions } from '../store.js';
import { compileFilter, compileSort, fieldExpr, type TypeOf } from './filter-sql.js';
import { decodeDoc, encodeDoc } from './json-codec.js';
import type { SqliteDatabase } from './sqlite-database.js';

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
  run(...params: unknown[]): { changes: number | bigint };
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
  ) {
    if (!SAFE_NAME.test(name)) throw new Error(`unsupported collection name ${name}`);
  }

  /** Creates the table and its indexes (if missing). */
  create(): this {
    const db = this.database.db;
    db.exec(`CREATE TABLE IF NOT EXISTS "${this.name}" (_id TEXT NOT NULL PRIMARY KEY, doc BLOB NOT NULL)`);
    for (const index of this.indexes) {
      const sql = this.indexSql(index);
      if (sql) db.exec(sql);
    }
    return this;
  }

  private indexSql(index: IndexSpec): string | null {
    const terms: string[] = [];
    for (const [path, dir] of index.fields) {
      const type = path === '_id' ? 'id' : this.typeOf(path);
      // A path SQL cannot type (an array, free-form data) is left to mingo.
      if (!type) return null;
      terms.push(`${fieldExpr(path, type)}${dir === -1 ? ' DESC' : ''}`);
    }
    const indexName = `${this.name}__${index.fields.map(([p, d]) => `${p.replace(/\./g, '_')}${d === -1 ? '_desc' : ''}`).join('__')}`;
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

  /** The matching rows, in MongoDB's meaning of the filter. */
  rows(filter: Filter, options: FindOptions = {}): Row<D>[] {
    const { where, params, residual } = compileFilter(filter, this.typeOf);
    const order = options.sort && Object.keys(options.sort).length > 0 ? compileSort(options.sort, this.typeOf) : 'rowid ASC';
    const skip = options.skip ?? 0;
    const limit = options.limit ?? 0;
    const base = `SELECT rowid AS r, json(doc) AS d FROM "${this.name}" WHERE ${where}`;
    if (order !== null && !residual) {
      const sql = `${base} ORDER BY ${order}${limit > 0 || skip > 0 ? ` LIMIT ${limit > 0 ? limit : -1} OFFSET ${skip}` : ''}`;
      return (this.prepare(sql).all(...params) as { r: number; d: string }[]).map(toRow<D>);
    }
    if (order !== null) {
      // SQL orders, mingo tests each row; stop as soon as the page is full.
      const test = new Query(residual!);
      const out: Row<D>[] = [];
      let skipped = 0;
      for (const raw of this.prepare(`${base} ORDER BY ${order}`).iterate(...params) as Iterable<{ r: number; d: string }>) {
        const row = toRow<D>(raw);
        if (!test.test(row.doc)) continue;
        if (skipped++ < skip) continue;
        out.push(row);
        if (limit > 0 && out.length >= limit) break;
      }
      return out;
    }
    // A sort SQL cannot express: mingo filters and sorts the narrowed rows.
    const rows = (this.prepare(base).all(...params) as { r: number; d: string }[]).map(toRow<D>);
    const byDoc = new Map(rows.map((row) => [row.doc as object, row]));
    let cursor = mingoFind<D>(rows.map((row) => row.doc), residual ?? {});
    if (options.sort) cursor = cursor.sort(options.sort);
    if (skip) cursor = cursor.skip(skip);
    if (limit) cursor = cursor.limit(limit);
    return (cursor.all() as D[]).map((doc) => byDoc.get(doc)!);
  }

  find(filter: Filter, options?: FindOptions): D[] {
    return this.rows(filter, options).map((row) => row.doc);
  }

  count(filter: Filter): number {
    const { where, params, residual } = compileFilter(filter, this.typeOf);
    if (!residual) return (this.prepare(`SELECT count(*) AS n FROM "${this.name}" WHERE ${where}`).get(...params) as { n: number }).n;
    return this.rows(filter).length;
  }

  insert(doc: D): void {
    this.prepare(`INSERT INTO "${this.name}" (_id, doc) VALUES (?, jsonb(?))`).run(doc._id, encodeDoc(doc));
  }

  replace(rowid: number, doc: D): void {
    this.prepare(`UPDATE "${this.name}" SET _id = ?, doc = jsonb(?) WHERE rowid = ?`).run(doc._id, encodeDoc(doc), rowid);
  }

  /** Replaces the document with the same `_id`; false when there is none. */
  replaceById(doc: D): boolean {
    return Number(this.prepare(`UPDATE "${this.name}" SET doc = jsonb(?) WHERE _id = ?`).run(encodeDoc(doc), doc._id).changes) > 0;
  }

  deleteRows(rowids: number[]): number {
    const stmt = this.prepare(`DELETE FROM "${this.name}" WHERE rowid = ?`);
    return this.database.atomically(() => rowids.reduce((n, id) => n + Number(stmt.run(id).changes), 0));
  }

  /** Deletes what matches and returns the deleted documents. */
  delete(filter: Filter): D[] {
    const rows = this.rows(filter);
    this.deleteRows(rows.map((r) => r.rowid));
    return rows.map((r) => r.doc);
  }
}

function toRow<D>(raw: { r: number; d: string }): Row<D> {
  return { rowid: raw.r, doc: decodeDoc<D>(raw.d) };
}
