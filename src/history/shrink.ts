import type { Operation } from './operation.js';

/**
 * Shrinks an illegal history to a 1-minimal one: leave out any one of the operations left (a read
 * with the write it saw) and the rest has a legal order. A sub-history always keeps the writes its
 * reads saw ("closed"), so a stale read is shown with the write it saw and the later one it missed,
 * not as a value from nowhere. Leaving out reads, or writes nobody read, never makes a legal history
 * illegal, so a closed sub-history that is illegal proves the whole one is.
 *
 * First two binary searches cut the history to a window (the shortest illegal prefix by call time,
 * then the latest start by return time: illegality is monotone over closed sets), then delta
 * debugging drops chunks of half, a quarter, …, then single operations. `minimal: false` when the
 * time ran out.
 */
export function shrink(ops: readonly Operation[], illegal: (ops: Operation[]) => boolean, outOfTime: () => boolean): { operations: Operation[]; minimal: boolean } {
  const writerOf = new Map<string, Operation>();
  for (const o of ops) if (o.op === 'put' && o.value !== null) writerOf.set(o.value, o);
  const closure = (sub: readonly Operation[]): Operation[] => {
    const set = new Set(sub);
    for (const o of sub) if (o.op === 'get' && o.value !== null) { const w = writerOf.get(o.value); if (w) set.add(w); }
    return ops.filter((o) => set.has(o));
  };
  const closed = (sub: readonly Operation[]): boolean => {
    const set = new Set(sub);
    return sub.every((o) => o.op === 'put' || o.value === null || !writerOf.has(o.value) || set.has(writerOf.get(o.value)!));
  };

  let cur = [...ops];
  // The smallest k whose first k operations by call time (closed) are illegal.
  const byCall = [...cur].sort((a, b) => a.call - b.call);
  let lo = 1;
  let hi = byCall.length;
  while (lo < hi) {
    if (outOfTime()) return { operations: cur, minimal: false };
    const mid = (lo + hi) >> 1;
    if (illegal(closure(byCall.slice(0, mid)))) hi = mid; else lo = mid + 1;
  }
  cur = closure(byCall.slice(0, lo));
  // The most operations that can be dropped from the start, by return time.
  const byReturn = [...cur].sort((a, b) => a.return - b.return);
  lo = 0;
  hi = byReturn.length - 1;
  while (lo < hi) {
    if (outOfTime()) return { operations: cur, minimal: false };
    const mid = (lo + hi + 1) >> 1;
    if (illegal(closure(byReturn.slice(mid)))) lo = mid; else hi = mid - 1;
  }
  cur = closure(byReturn.slice(lo));

  let chunk = Math.max(1, Math.ceil(cur.length / 2));
  for (;;) {
    let removed = false;
    for (let start = 0; start < cur.length;) {
      if (outOfTime()) return { operations: cur, minimal: false };
      const cand = [...cur.slice(0, start), ...cur.slice(start + chunk)];
      if (cand.length > 0 && closed(cand) && illegal(cand)) { cur = cand; removed = true; } else start += chunk;
    }
    if (chunk === 1 && !removed) return { operations: cur, minimal: true };
    chunk = Math.max(1, Math.floor(chunk / 2));
  }
}
