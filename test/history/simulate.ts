import type { Operation } from '../../src/history/operation.js';
import { seeded } from '../../src/history/search.js';

export interface Simulation { history: Operation[]; final: Map<string, string | null> }

/**
 * A linearizable register, simulated: each client runs one operation at a time; each operation takes
 * effect at a random instant between its call and its return (its linearization point), and reads
 * return the value at that instant. Some writes time out (`unknown`): half of them took effect.
 * Seeded, so a failing seed replays.
 */
export function simulate(seed: number, o: { clients: number; ops: number; keys: number; unknownRate?: number }): Simulation {
  const next = seeded(seed);
  const rand = (): number => next() / 2 ** 32;
  const t = new Array<number>(o.clients).fill(0);
  const drafts: { op: Operation; at: number; applied: boolean }[] = [];
  for (let n = 0; n < o.ops; n++) {
    const c = Math.floor(rand() * o.clients);
    const call = Math.round((t[c]! + rand() * 3) * 10) / 10;
    const at = call + rand() * 5;
    const ret = Math.round((at + rand() * 5) * 10) / 10 + 0.1;
    t[c] = ret;
    const key = `k${Math.floor(rand() * o.keys)}`;
    const isPut = rand() < 0.5;
    const unknown = isPut && rand() < (o.unknownRate ?? 0.05);
    const op: Operation = { client: `c${c}`, key, op: isPut ? 'put' : 'get', value: isPut ? `v${n}` : null, call, return: unknown ? Infinity : ret, outcome: unknown ? 'unknown' : 'ok' };
    drafts.push({ op, at, applied: !unknown || rand() < 0.5 });
  }
  const register = new Map<string, string | null>();
  for (const d of [...drafts].sort((a, b) => a.at - b.at)) {
    if (!d.applied) continue;
    if (d.op.op === 'put') register.set(d.op.key, d.op.value);
    else d.op.value = register.get(d.op.key) ?? null;
  }
  const final = new Map<string, string | null>();
  for (let k = 0; k < o.keys; k++) final.set(`k${k}`, register.get(`k${k}`) ?? null);
  return { history: drafts.map((d) => d.op), final };
}

/**
 * A stale read: one read changed to the value of a write that an acknowledged later write had
 * certainly replaced before the read began. Undefined when the history has no such read.
 */
export function staleRead(history: readonly Operation[], pick: number): Operation[] | undefined {
  const acked = history.filter((o) => o.op === 'put' && o.outcome === 'ok');
  const candidates: { read: number; value: string }[] = [];
  history.forEach((r, i) => {
    if (r.op !== 'get' || r.outcome !== 'ok') return;
    for (const w of acked) {
      if (w.key !== r.key || w.value === r.value) continue;
      if (acked.some((w2) => w2.key === r.key && w2.call > w.return && w2.return < r.call)) { candidates.push({ read: i, value: w.value! }); return; }
    }
  });
  if (!candidates.length) return undefined;
  const c = candidates[pick % candidates.length]!;
  return history.map((o, i) => (i === c.read ? { ...o, value: c.value } : o));
}
