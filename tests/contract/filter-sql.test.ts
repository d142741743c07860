import { describe, expect, it } from 'vitest';
import { compileFilter, type FieldType, type TypeOf } from '../../store/sqlite/filter-sql.js';

const TYPES: Record<string, FieldType> = { channel: 'string', pseudonym: 'string', seq: 'number' };
const typeOf: TypeOf = (p) => TYPES[p] ?? null;

describe('compiling a filter of string equalities (remembered per set of field names)', () => {
  it('gives each filter its own values, in the order of its fields', () => {
    const a = compileFilter({ channel: 'telegram', pseudonym: 'p1' }, typeOf);
    const b = compileFilter({ channel: 'zalo', pseudonym: 'p2' }, typeOf);
    expect(a).toEqual({ where: "json_extract(doc, '$.channel') = ? AND json_extract(doc, '$.pseudonym') = ?", params: ['telegram', 'p1'], residual: null });
    expect(b).toEqual({ ...a, params: ['zalo', 'p2'] });
    expect(compileFilter({ pseudonym: 'p3', channel: 'web' }, typeOf).params).toEqual(['p3', 'web']);
  });

  it('leaves to mingo what SQL cannot answer, every time: a string for a number field, an untyped field', () => {
    for (let i = 0; i < 2; i++) {
      expect(compileFilter({ seq: 'seven' }, typeOf).residual).toEqual({ seq: 'seven' });
      expect(compileFilter({ channel: 'web', free: 'x' }, typeOf)).toEqual({ where: "json_extract(doc, '$.channel') = ?", params: ['web'], residual: { free: 'x' } });
    }
  });

  it('compiles any other filter part by part, as before', () => {
    expect(compileFilter({ channel: 'web', seq: 3 }, typeOf)).toEqual({ where: "json_extract(doc, '$.channel') = ? AND json_extract(doc, '$.seq') = ?", params: ['web', 3], residual: null });
    expect(compileFilter({ _id: 'x' }, typeOf)).toEqual({ where: '_id = ?', params: ['x'], residual: null });
  });
});
