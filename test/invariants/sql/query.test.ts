import { describe, expect, it } from 'vitest';
import { sqlQuery, sqlQueryVerdict } from '../../../src/invariants/sql/query.js';

describe('sql.query verdict (pure)', () => {
  const sql = 'SELECT note FROM ha_demo';
  it.each([
    [{ equals: 'survives-cp-loss' }, 'survives-cp-loss\n', true, 'SELECT note FROM ha_demo → survives-cp-loss: as expected'],
    [{ equals: 'survives-cp-loss' }, '', false, 'SELECT note FROM ha_demo → (no rows), expected survives-cp-loss'],
    [{ contains: 'survives' }, 'a\nsurvives-cp-loss', true, 'SELECT note FROM ha_demo → contains "survives"'],
    [{ contains: 'survives' }, 'other', false, 'SELECT note FROM ha_demo → other, lacks "survives"'],
  ])('%j on %j', (p, out, ok, message) => {
    expect(sqlQueryVerdict({ sql, ...p }, out)).toMatchObject({ ok, message });
  });

  it('the schema wants exactly one of equals or contains, and reads a number as text', () => {
    expect(sqlQuery.params.safeParse({ sql }).success).toBe(false);
    expect(sqlQuery.params.safeParse({ sql, equals: 'a', contains: 'b' }).success).toBe(false);
    expect(sqlQuery.params.parse({ sql: 'SELECT count(*) FROM ha_demo', equals: 1 })).toMatchObject({ equals: '1' });
    expect(sqlQuery.params.safeParse({ sql, equals: 'x', pod: 'postgres-0' }).success).toBe(false); // namespace/pod
  });
});
