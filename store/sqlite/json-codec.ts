/**
 * Documents are kept as JSON; a Date becomes `{"$date": <milliseconds>}` (MongoDB's extended
 * JSON, in its numeric form) so that it comes back as a Date, in schema fields and inside
 * free-form (`Mixed`) values alike, and so that SQL compares dates as numbers.
 */
export const DATE_KEY = '$date';

export function encodeDoc(doc: object): string {
  return JSON.stringify(doc, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? { [DATE_KEY]: raw.getTime() } : value;
  });
}

export function decodeDoc<T>(text: string): T {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const o = value as Record<string, unknown>;
      if (typeof o[DATE_KEY] === 'number' && Object.keys(o).length === 1) return new Date(o[DATE_KEY]);
    }
    return value;
  }) as T;
}

/** A value as SQL sees it inside a stored document (a Date as its milliseconds). */
export function sqlValue(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}
