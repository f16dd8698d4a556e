/**
 * One client operation on one key, as a probe recorded it. Times are monotonic milliseconds.
 *
 * - `put`: `value` is the value written; unique per write, so a read names the write it saw.
 * - `get`: `value` is the value read; `null` is the key's empty (absent) value.
 * - `outcome`: `ok` (acknowledged), `failed` (refused: it did not happen), `unknown` (a timeout or a
 *   lost connection: it may or may not have happened; its return time is taken as +∞).
 * - `revision`: etcd's revision of an acknowledged put (its header revision), when known; needed to
 *   judge a snapshot restore.
 */
export interface Operation {
  client: string;
  key: string;
  op: 'put' | 'get';
  value: string | null;
  call: number;
  return: number;
  outcome: 'ok' | 'failed' | 'unknown';
  revision?: number;
}

const quote = (v: string | null): string => (v === null ? '(empty)' : JSON.stringify(v));
const ms = (t: number): string => (Number.isFinite(t) ? t.toFixed(1) : '?');

/** One operation in the operator's words: `client c2: put k = "v7", ok, 103.0 → 110.5 ms`. */
export function describeOperation(o: Operation): string {
  const what = o.op === 'put' ? `put ${o.key} = ${quote(o.value)}` : `get ${o.key} → ${quote(o.value)}`;
  const outcome = o.outcome === 'unknown' ? 'unknown (no answer: may or may not have happened)' : o.outcome;
  const rev = o.revision === undefined ? '' : `, revision ${o.revision}`;
  const end = o.outcome === 'unknown' ? '?' : ms(o.return);
  return `client ${o.client}: ${what}, ${outcome}${rev}, ${ms(o.call)} → ${end} ms`;
}
