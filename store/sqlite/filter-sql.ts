import type { Filter, Sort } from '../store.js';
import { sqlValue } from './json-codec.js';

/** What SQL may assume about a document path: its one scalar type, or null (mingo decides). */
export type FieldType = 'id' | 'string' | 'number' | 'boolean' | 'date';
export type TypeOf = (path: string) => FieldType | null;

/** A filter split in two: `where` narrows in SQL; `residual` (if any) is left to mingo. */
export interface CompiledFilter {
  where: string;
  params: unknown[];
  /** The part of the filter SQL did not answer exactly; null when SQL is exact. */
  residual: Filter | null;
}

interface Part {
  sql: string | null;
  params: unknown[];
  exact: boolean;
  source: Filter;
}

const SAFE_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * The SQL expression of a document path. Index definitions and queries both come from here,
 * so that SQLite's planner recognises the one in the other.
 */
export function fieldExpr(path: string, type: FieldType): string {
  if (type === 'id') return '_id';
  if (!SAFE_PATH.test(path)) throw new Error(`unsupported path ${path}`);
  return type === 'date' ? `json_extract(doc, '$.${path}."$date"')` : `json_extract(doc, '$.${path}')`;
}

/** Splits a MongoDB filter into the SQL that answers its indexable part, and the rest. */
export function compileFilter(filter: Filter, typeOf: TypeOf): CompiledFilter {
  return stringEqualities(filter, typeOf) ?? compileParts(filter, typeOf);
}

/** Per table (its TypeOf), the WHERE of a filter of string equalities, by its field names; null when SQL is not exact for it. */
const byFieldNames = new WeakMap<TypeOf, Map<string, string | null>>();

/**
 * The commonest filter — fields equal to strings (`{ channel, pseudonym }`, `{ _id }`) — compiled
 * once per set of field names and table: its WHERE depends on nothing else. Null for any other
 * filter (or one SQL does not answer exactly), which compiles part by part.
 */
function stringEqualities(filter: Filter, typeOf: TypeOf): CompiledFilter | null {
  let names = '';
  const params: unknown[] = [];
  for (const name in filter) {
    const value = filter[name];
    if (typeof value !== 'string' || name.startsWith('$')) return null;
    names += `${name}\u0000`;
    params.push(value);
  }
  if (params.length === 0) return null;
  let known = byFieldNames.get(typeOf);
  if (!known) byFieldNames.set(typeOf, (known = new Map()));
  let where = known.get(names);
  if (where === undefined) {
    const compiled = compileParts(filter, typeOf);
    where = compiled.residual === null && compiled.params.length === params.length ? compiled.where : null;
    known.set(names, where);
  }
  return where === null ? null : { where, params, residual: null };
}

function compileParts(filter: Filter, typeOf: TypeOf): CompiledFilter {
  const parts = conjunction(filter, typeOf);
  const sqlParts = parts.filter((p) => p.sql !== null);
  const residual = parts.filter((p) => !p.exact).map((p) => p.source);
  return {
    where: sqlParts.length > 0 ? sqlParts.map((p) => p.sql).join(' AND ') : '1',
    params: sqlParts.flatMap((p) => p.params),
    residual: residual.length === 0 ? null : residual.length === 1 ? residual[0]! : { $and: residual },
  };
}

/** `ORDER BY` terms for a sort, or null when a sorted path has no SQL type (mingo sorts). */
export function compileSort(sort: Sort | undefined, typeOf: TypeOf): string | null {
  const terms: string[] = [];
  let unique = false;
  for (const [path, dir] of Object.entries(sort ?? {})) {
    const type = path === '_id' ? 'id' : typeOf(path);
    if (!type || !SAFE_PATH.test(path)) return null;
    terms.push(`${fieldExpr(path, type)} ${dir === -1 ? 'DESC' : 'ASC'}`);
    unique ||= type === 'id';
  }
  // Ties keep insertion order, as mingo's stable sort does.
  if (!unique) terms.push('rowid ASC');
  return terms.join(', ');
}

function conjunction(filter: Filter, typeOf: TypeOf): Part[] {
  const out: Part[] = [];
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(cond)) out.push(...cond.flatMap((f: Filter) => conjunction(f, typeOf)));
    else if (key === '$or' && Array.isArray(cond)) out.push(disjunction(cond as Filter[], typeOf));
    else if (key.startsWith('$')) out.push(opaque({ [key]: cond }));
    else out.push(fieldPart(key, cond, typeOf));
  }
  return out;
}

function disjunction(branches: Filter[], typeOf: TypeOf): Part {
  const source = { $or: branches };
  if (branches.length === 0) return opaque(source);
  const compiled = branches.map((b) => compileFilter(b, typeOf));
  // A branch SQL cannot narrow makes the whole $or unnarrowable.
  if (compiled.some((c) => c.where === '1')) return opaque(source);
  return {
    sql: `(${compiled.map((c) => `(${c.where})`).join(' OR ')})`,
    params: compiled.flatMap((c) => c.params),
    exact: compiled.every((c) => c.residual === null),
    source,
  };
}

const opaque = (source: Filter): Part => ({ sql: null, params: [], exact: false, source });

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof RegExp);

function fieldPart(path: string, cond: unknown, typeOf: TypeOf): Part {
  const source = { [path]: cond };
  const type = path === '_id' ? 'id' : SAFE_PATH.test(path) ? typeOf(path) : null;
  if (!type) return opaque(source);
  const expr = fieldExpr(path, type);
  const ops = isPlainObject(cond) && Object.keys(cond).length > 0 && Object.keys(cond).every((k) => k.startsWith('$')) ? cond : null;
  if (!ops) {
    const eq = equality(expr, type, cond);
    // Not `{ ...eq, exact, source }`: a spread followed by more properties costs microseconds on Node 20's V8.
    return eq ? { sql: eq.sql, params: eq.params, exact: true, source } : opaque(source);
  }
  const parts = Object.entries(ops).map(([op, v]) => operator(path, expr, type, op, v));
  const known = parts.filter((p): p is SqlBit => p !== null);
  if (known.length === 0) return opaque(source);
  return { sql: known.map((p) => p.sql).join(' AND '), params: known.flatMap((p) => p.params), exact: known.length === parts.length, source };
}

interface SqlBit {
  sql: string;
  params: unknown[];
}

function fits(type: FieldType, v: unknown): boolean {
  switch (type) {
    case 'id':
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'date':
      return v instanceof Date && !Number.isNaN(v.getTime());
  }
}

function equality(expr: string, type: FieldType, v: unknown): SqlBit | null {
  if (v === null) return { sql: `${expr} IS NULL`, params: [] };
  return fits(type, v) ? { sql: `${expr} = ?`, params: [sqlValue(v)] } : null;
}

function membership(expr: string, type: FieldType, values: unknown): { values: unknown[]; withNull: boolean } | null {
  if (!Array.isArray(values) || !values.every((v) => v === null || fits(type, v))) return null;
  return { values: values.filter((v) => v !== null).map(sqlValue), withNull: values.includes(null) };
}

/** Lists longer than this are one JSON parameter, read by `json_each`. */
const LONG_LIST = 16;

/**
 * The SQL list of `$in` / `$nin`: a placeholder per value, or, for a long list (a word search's
 * 2,000 case ids), one JSON array read by `json_each` — one statement whatever the length (a
 * prepared statement of 2,000 placeholders holds ~0.5 MB, and each length would be another one
 * kept in the statement cache), and no limit on the number of values.
 */
function valueList(values: unknown[]): SqlBit {
  if (values.length <= LONG_LIST) return { sql: `(${values.map(() => '?').join(', ')})`, params: values };
  return { sql: '(SELECT value FROM json_each(?))', params: [JSON.stringify(values)] };
}

const COMPARISONS: Record<string, string> = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' };

function operator(path: string, expr: string, type: FieldType, op: string, v: unknown): SqlBit | null {
  if (op === '$eq') return equality(expr, type, v);
  if (op === '$ne') {
    // NULL sorts below every value, so `>= -infinity` is IS NOT NULL in a form the planner
    // walks as an index range (IS NOT NULL on an indexed expression reads every NULL entry first).
    if (v === null) return { sql: type === 'id' ? `${expr} IS NOT NULL` : `${expr} >= -9e999`, params: [] };
    return fits(type, v) ? { sql: `${expr} IS NOT ?`, params: [sqlValue(v)] } : null;
  }
  if (op in COMPARISONS) return fits(type, v) ? { sql: `${expr} ${COMPARISONS[op]} ?`, params: [sqlValue(v)] } : null;
  if (op === '$in') {
    const m = membership(expr, type, v);
    if (!m) return null;
    const list = valueList(m.values);
    const terms = [m.values.length > 0 ? `${expr} IN ${list.sql}` : null, m.withNull ? `${expr} IS NULL` : null].filter(Boolean);
    return { sql: terms.length === 0 ? '0' : `(${terms.join(' OR ')})`, params: list.params };
  }
  if (op === '$nin') {
    const m = membership(expr, type, v);
    if (!m) return null;
    const list = valueList(m.values);
    const notIn = m.values.length > 0 ? `${expr} NOT IN ${list.sql}` : '1';
    return { sql: m.withNull ? `(${expr} IS NOT NULL AND ${notIn})` : `(${expr} IS NULL OR ${notIn})`, params: list.params };
  }
  if (op === '$exists') {
    if (type === 'id') return { sql: v ? '1' : '0', params: [] };
    return { sql: `json_type(doc, '$.${path}') IS ${v ? 'NOT NULL' : 'NULL'}`, params: [] };
  }
  return null;
}
