import { SchemaType, type Schema } from 'mongoose';

type Plain = Record<string, unknown>;

/** A value the schema refuses: the path and mongoose's own message for it. */
export class SchemaRefusal extends Error {
  constructor(
    readonly path: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${path}: ${reason}`, options);
    this.name = 'SchemaRefusal';
  }
}

/** The parts of a mongoose SchemaType used here (in its JavaScript, not in its type declarations). */
interface PathType {
  instance: string;
  schema?: Schema;
  embeddedSchemaType?: PathType;
  $isMongooseDocumentArray?: boolean;
  defaultValue?: unknown;
  validators?: { type?: string; enumValues?: unknown[] }[];
  originalRequiredValue?: unknown;
  applySetters(value: unknown, scope: unknown): unknown;
  getDefault(scope: unknown, init: boolean): unknown;
  doValidateSync(value: unknown, scope: unknown): Error | null;
}

type Kind = 'scalar' | 'mixed' | 'array' | 'docArray' | 'single';

interface Field {
  path: string;
  segments: string[];
  kind: Kind;
  type: PathType;
  /** An array's element type (scalar arrays). */
  element?: PathType;
  /** True when a value surely passes the path's validators (see quickPass); false sends it to mongoose. */
  passes?: (value: unknown) => boolean;
  /** The schema of each element (document arrays) or of the one nested document. */
  sub?: DocumentChecker;
}

const SCALARS = new Set(['String', 'Number', 'Date', 'Boolean']);
/** Runs only a path's own validators (required, custom), not those of its elements. */
const ownValidators = (SchemaType.prototype as unknown as PathType).doValidateSync;

const getPath = (doc: Plain, segments: string[]): unknown =>
  segments.reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Plain)[k] : undefined), doc);

function setPath(doc: Plain, segments: string[], value: unknown) {
  let o = doc;
  for (const k of segments.slice(0, -1)) {
    if (o[k] === null || typeof o[k] !== 'object') o[k] = {};
    o = o[k] as Plain;
  }
  o[segments[segments.length - 1]!] = value;
}

/**
 * A collection's mongoose schema applied to plain objects, without building a mongoose
 * document: each path cast and set by mongoose's own schema type (setters such as `trim`,
 * casting, defaults, `enum`, `maxlength`, `min`, `match`, `required`, custom validators),
 * fields the schema does not know dropped (strict). What the embedded engine runs once per
 * written document, and what both engines run on read to fill in defaults of fields added to
 * the schema after a document was stored.
 *
 * `compile` returns null for a schema with a type it does not handle (ObjectId, Buffer, maps…);
 * the caller then builds a mongoose document instead.
 */
export class DocumentChecker {
  private constructor(private readonly fields: Field[]) {}

  static compile(schema: Schema): DocumentChecker | null {
    const fields: Field[] = [];
    for (const [path, type] of Object.entries(schema.paths)) {
      const field = fieldOf(path, type as unknown as PathType);
      if (!field) return null;
      fields.push(field);
    }
    return new DocumentChecker(fields);
  }

  /**
   * The document as the schema makes it: a new plain object, cast, defaults filled, unknown
   * fields dropped. Validators run on every path, or (`validate`) only on the paths an update
   * names — and on what lies under or around them — as MongoDB's update validators do.
   * Throws a SchemaRefusal.
   */
  check(doc: Plain, validate?: (path: string) => boolean): Plain {
    const out: Plain = {};
    for (const f of this.fields) {
      const checked = !validate || validate(f.path);
      const stored = getPath(doc, f.segments);
      let value: unknown;
      try {
        value = this.castField(f, stored, out, validate);
      } catch (err) {
        // A value an update does not touch stays as stored, as on MongoDB.
        if (checked) throw err;
        value = stored;
      }
      if (value !== undefined) setPath(out, f.segments, value);
      if (checked) {
        const err = validateField(f, value, out);
        if (err) throw new SchemaRefusal(f.path, err.message, { cause: err });
      }
    }
    return out;
  }

  /**
   * One top-level field's new value as `check` makes it — cast, and validated with what lies
   * under it — for an update that sets only some fields (`$set`). Null when the schema has no
   * such top-level field. Throws a SchemaRefusal.
   */
  checkField(path: string, value: unknown): { value: unknown } | null {
    const f = this.fields.find((x) => x.path === path && x.segments.length === 1);
    if (!f) return null;
    const scope: Plain = {};
    const cast = this.castField(f, value, scope);
    const err = validateField(f, cast, scope);
    if (err) throw new SchemaRefusal(f.path, err.message, { cause: err });
    return { value: cast === undefined ? null : cast };
  }

  /** The mongoose type name (`Number`, `Date`…) of a top-level field; null when there is none. */
  instanceOf(path: string): string | null {
    return this.fields.find((x) => x.path === path && x.segments.length === 1)?.type.instance ?? null;
  }

  /** Fills in, in place, the defaults of fields the document lacks (a document stored before they existed). */
  fillDefaults<D extends Plain>(doc: D): D {
    for (const f of this.fields) {
      const value = getPath(doc, f.segments);
      if (value === undefined) {
        const fallback = this.defaultOf(f, doc);
        if (fallback !== undefined) setPath(doc, f.segments, fallback);
      } else if (f.kind === 'single' && value !== null && typeof value === 'object') {
        f.sub!.fillDefaults(value as Plain);
      } else if (f.kind === 'docArray' && Array.isArray(value)) {
        for (const el of value) if (el !== null && typeof el === 'object') f.sub!.fillDefaults(el as Plain);
      }
    }
    return doc;
  }

  private defaultOf(f: Field, scope: Plain): unknown {
    if (f.kind === 'scalar' || f.kind === 'mixed') return f.type.getDefault(scope, false);
    const dv = f.type.defaultValue;
    const raw = typeof dv === 'function' ? (dv as (this: unknown) => unknown).call(null) : dv;
    if (raw === undefined || raw === null) return raw;
    return this.castField(f, Array.isArray(raw) ? [...(raw as unknown[])] : raw, scope);
  }

  private castField(f: Field, value: unknown, scope: Plain, validate?: (path: string) => boolean): unknown {
    if (value === undefined) return this.defaultOf(f, scope);
    if (value === null) return null;
    try {
      switch (f.kind) {
        case 'scalar':
          return f.type.applySetters(value, scope);
        case 'mixed':
          return value;
        case 'single':
          if (typeof value !== 'object') throw new Error('not an object');
          return f.sub!.check(value as Plain, validate && nested(f.path, validate));
        case 'array':
          return this.castElements(f, value, scope, validate);
        case 'docArray':
          return asArray(value).map((el, i) => {
            if (el === null || typeof el !== 'object') throw new SchemaRefusal(`${f.path}.${i}`, 'not an object');
            return f.sub!.check(el as Plain, validate && nested(f.path, validate));
          });
      }
    } catch (err) {
      if (err instanceof SchemaRefusal) throw new SchemaRefusal(`${f.path}.${err.path}`, err.message, { cause: err });
      throw new SchemaRefusal(f.path, err instanceof Error ? err.message : String(err), { cause: err });
    }
  }

  private castElements(f: Field, value: unknown, scope: Plain, validate?: (path: string) => boolean): unknown[] {
    const element = f.element!;
    return asArray(value).map((el, i) => {
      const cast = el === null || el === undefined ? el : element.applySetters(el, scope);
      if (!validate || validate(f.path)) {
        const err = element.doValidateSync(cast, scope);
        if (err) throw new SchemaRefusal(`${i}`, err.message, { cause: err });
      }
      return cast;
    });
  }
}

/** A field's own validators on its value: mongoose's, unless the value surely passes them. */
function validateField(f: Field, value: unknown, scope: Plain): Error | null {
  if (f.kind === 'scalar' || f.kind === 'mixed') return f.passes?.(value) ? null : f.type.doValidateSync(value, scope);
  return ownValidators.call(f.type, value, scope);
}

/** A value `required` surely accepts, by type (what mongoose's checkRequired accepts, or less). */
const PRESENT: Record<string, (v: unknown) => boolean> = {
  String: (v) => typeof v === 'string' && v.length > 0,
  Number: (v) => typeof v === 'number' && !Number.isNaN(v),
  Boolean: (v) => typeof v === 'boolean',
  Date: (v) => v instanceof Date && !Number.isNaN(v.getTime()),
};

/**
 * A test that a value surely passes a scalar path's validators, for the common ones — a plain
 * `required`, an `enum` — so that the usual write skips mongoose's doValidateSync (which copies
 * each validator, and deep-clones an enum's, for every value). It only ever says "passes"; a
 * value it is unsure of, and every path with another kind of validator, goes to mongoose, which
 * also words the refusal.
 */
function quickPass(t: PathType): ((value: unknown) => boolean) | undefined {
  const checks: ((v: unknown) => boolean)[] = [];
  for (const v of t.validators ?? []) {
    const present = PRESENT[t.instance];
    if (v.type === 'required' && typeof t.originalRequiredValue !== 'function' && present) checks.push(present);
    else if (v.type === 'enum' && Array.isArray(v.enumValues)) {
      const allowed = new Set(v.enumValues);
      checks.push((x) => x === null || x === undefined || allowed.has(x));
    } else return undefined;
  }
  return (value) => checks.every((check) => check(value));
}

/** The paths of a nested schema to validate, given those of its parent. */
const nested = (parent: string, validate: (path: string) => boolean) => (path: string) => validate(`${parent}.${path}`);

/** A single value given for an array is an array of one (as mongoose casts it). */
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? [...(value as unknown[])] : [value]);

function fieldOf(path: string, t: PathType): Field | null {
  const base = { path, segments: path.split('.'), type: t };
  if (SCALARS.has(t.instance)) return { ...base, kind: 'scalar', passes: quickPass(t) };
  if (t.instance === 'Mixed') return { ...base, kind: 'mixed' };
  if (t.instance === 'Embedded' && t.schema) {
    const sub = DocumentChecker.compile(t.schema);
    return sub && { ...base, kind: 'single', sub };
  }
  if (t.instance === 'Array' && t.$isMongooseDocumentArray && t.schema) {
    const sub = DocumentChecker.compile(t.schema);
    return sub && { ...base, kind: 'docArray', sub };
  }
  if (t.instance === 'Array' && t.embeddedSchemaType && SCALARS.has(t.embeddedSchemaType.instance)) {
    return { ...base, kind: 'array', element: t.embeddedSchemaType };
  }
  return null;
}

/**
 * What a read does to each stored document: fills in the defaults of fields it lacks (the
 * schema's checker; a mongoose document for a schema it cannot compile), as mongoose does
 * when it loads a full document — so both engines read an old document the same way.
 */
export function defaultsOnRead(schema: Schema, hydrate: (doc: Plain) => Plain): <D>(doc: D) => D {
  const checker = DocumentChecker.compile(schema);
  return <D>(doc: D) => (checker ? checker.fillDefaults(doc as Plain) : hydrate(doc as Plain)) as D;
}

/**
 * The paths an update's validators run on, as MongoDB's update validators choose them (mongoose
 * `runValidators`): those named by `$set`, `$unset`, `$push`, `$addToSet` (and `$setOnInsert`
 * when inserting), with what lies under or around them; not `$inc`, `$pull` and the like.
 */
export function validatedByUpdate(update: Record<string, unknown>, inserting: boolean): (path: string) => boolean {
  const ops = ['$set', '$unset', '$push', '$addToSet', ...(inserting ? ['$setOnInsert'] : [])];
  const touched = ops.flatMap((op) => Object.keys((update[op] as Plain | undefined) ?? {}));
  return (path) => touched.some((t) => t === path || path.startsWith(`${t}.`) || t.startsWith(`${path}.`));
}
