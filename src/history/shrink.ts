import type { Operation } from './operation.js';

/**
 * Shrinks an illegal history to a 1-minimal one (delta debugging: drop chunks of half, a quarter, …,
 * then single operations, while it stays illegal): removing any one of the operations left makes it
 * legal (or leaves a read without the write it saw). A read keeps the write whose value it returned, so a stale read is shown with the write it
 * saw and the later one it missed, not as a value from nowhere. `minimal: false` when the time ran out.
 */
export function shrink(ops: readonly Operation[], illegal: (ops: Operation[]) => boolean, outOfTime: () => boolean): { operations: Operation[]; minimal: boolean } {
  let cur = [...ops];
  const everWritten = new Set(ops.filter((o) => o.op === 'put').map((o) => o.value));
  const closed = (cand: Operation[]): boolean => {
    const written = new Set(cand.filter((o) => o.op === 'put').map((o) => o.value));
    return cand.every((o) => o.op === 'put' || o.value === null || written.has(o.value) || !everWritten.has(o.value));
  };
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
