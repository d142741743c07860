/**
 * Documents are kept as JSON; a Date becomes `{"$date": <milliseconds>}` (MongoDB's extended
 * JSON, in its numeric form) so that it comes back as a Date, in schema fields and inside
 * free-form (`Mixed`) values alike, and so that SQL compares dates as numbers.
 */
export const DATE_KEY = '$date';

export function encodeDoc(doc: object): string {
  // Dates swapped first, then a plain stringify: four times faster than a replacer, which
  // JSON.stringify calls back for every value.
  return JSON.stringify(withDates(doc));
}

/** The value with each Date as `{"$date": ms}`; objects and arrays copied only where one changes. */
function withDates(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return { [DATE_KEY]: value.getTime() };
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const w = withDates(v);
      if (w !== v) (copy ??= value.slice())[i] = w;
    }
    return copy ?? value;
  }
  // Anything with its own JSON form (a Buffer, say) is left to it.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const o = value as Record<string, unknown>;
  let copy: Record<string, unknown> | null = null;
  for (const key of Object.keys(o)) {
    const v = o[key];
    if (v === null || typeof v !== 'object') continue;
    const w = withDates(v);
    if (w !== v) (copy ??= { ...o })[key] = w;
  }
  return copy ?? o;
}

export function decodeDoc<T>(text: string): T {
  // A walk over the parsed value: three times faster than a JSON.parse reviver, which calls back
  // for every value (reading the 50k cases of a quarter's report spent a quarter of its time there).
  return revive(JSON.parse(text)) as T;
}

function revive(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i]);
    return value;
  }
  const o = value as Record<string, unknown>;
  if (typeof o[DATE_KEY] === 'number' && Object.keys(o).length === 1) return new Date(o[DATE_KEY]);
  for (const key in o) {
    const v = o[key];
    if (v !== null && typeof v === 'object') o[key] = revive(v);
  }
  return o;
}

/** A value as SQL sees it inside a stored document (a Date as its milliseconds). */
export function sqlValue(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
