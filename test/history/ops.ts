import type { Operation } from '../../src/history/operation.js';

/** Hand-made operations: `put('a', 'v1', 0, 10)` is client a writing v1 from t=0 to t=10 ms, acknowledged. */
export const put = (client: string, value: string | null, call: number, ret: number, more: Partial<Operation> = {}): Operation =>
  ({ client, key: 'k', op: 'put', value, call, return: ret, outcome: 'ok', ...more });
export const get = (client: string, value: string | null, call: number, ret: number, more: Partial<Operation> = {}): Operation =>
  ({ client, key: 'k', op: 'get', value, call, return: ret, outcome: 'ok', ...more });
export const unknown = { outcome: 'unknown', return: Infinity } as const;
