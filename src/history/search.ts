import type { Operation } from './operation.js';

/** The result of the search on one key's history: `timeout` when the deadline passed first. */
export type SearchResult = 'linearizable' | 'illegal' | 'timeout';

/**
 * The Wing–Gong / Lowe search for one register (one key), as porcupine does it: walk the history's
 * call and return events in time order; at a call, try to linearize that operation now (the model
 * must allow it, and the pair (set of linearized operations, register value) must be new: a cache
 * prunes states already explored); at a return whose operation is not yet linearized, undo the
 * last choice and try the next call. The history is illegal when there is nothing left to undo.
 *
 * `ops` holds only operations that may have happened: no `failed` ones, no reads without an answer.
 * A write of unknown outcome has its return at +∞, so it can be placed after everything else, which
 * is the same as "not applied" for a register.
 *
 * The cache keys a (linearized set, value) pair by a 53-bit Zobrist hash (XOR of random words per
 * operation and per value, updated in O(1) per step; one number, so a Set<number>) instead of a copy of
 * the set: 3× faster than string keys on one key's 100,000 operations. A false "seen" needs a 53-bit
 * collision (~1e-5 for the 500,000 states of such a search); it could only make a legal history look illegal.
 */
export function searchKey(all: readonly Operation[], initial: string | null, deadline: number, now: () => number): SearchResult {
  // A write of unknown outcome that no read saw can always go last, so it changes nothing: left out,
  // as porcupine's users do. Kept, it would sit at the front of the list, tried again at each step.
  const read = new Set(all.filter((o) => o.op === 'get').map((o) => o.value));
  const ops = all.filter((o) => o.op === 'get' || o.outcome !== 'unknown' || read.has(o.value));
  const n = ops.length;
  if (n === 0) return 'linearizable';
  // Register values as small integers: 0 = empty, i + 1 = the value of put i; -1 = a value no put wrote.
  const byValue = new Map<string, number>();
  ops.forEach((o, i) => { if (o.op === 'put' && o.value !== null) byValue.set(o.value, i + 1); });
  // The initial value may come from elsewhere (a snapshot's write): it gets the id n + 1.
  if (initial !== null && !byValue.has(initial)) byValue.set(initial, n + 1);
  const wants = ops.map((o) => (o.op === 'put' ? (o.value === null ? 0 : byValue.get(o.value)!) : o.value === null ? 0 : byValue.get(o.value) ?? -1));
  const isPut = ops.map((o) => o.op === 'put');

  // Events: call of op i = 2i, return = 2i + 1. At equal times calls come first (the operations overlap).
  const events = Array.from({ length: 2 * n }, (_, e) => e);
  const time = (e: number): number => { const o = ops[e >> 1]!; return e & 1 ? (o.outcome === 'unknown' ? Infinity : o.return) : o.call; };
  events.sort((a, b) => time(a) - time(b) || (a & 1) - (b & 1) || a - b);
  // A circular doubly linked list over the events, with the sentinel `head` = 2n.
  const head = 2 * n;
  const next = new Int32Array(2 * n + 1);
  const prev = new Int32Array(2 * n + 1);
  let last = head;
  for (const e of events) { next[last] = e; prev[e] = last; last = e; }
  next[last] = head; prev[head] = last;
  const unlink = (e: number): void => { next[prev[e]!] = next[e]!; prev[next[e]!] = prev[e]!; };
  const relink = (e: number): void => { next[prev[e]!] = e; prev[next[e]!] = e; };

  const rand = seeded(0x9e3779b9);
  const z1 = Uint32Array.from({ length: n }, rand);
  const z2 = Uint32Array.from({ length: n }, rand);
  const s1 = Uint32Array.from({ length: n + 3 }, rand);
  const s2 = Uint32Array.from({ length: n + 3 }, rand);
  const seen = new Set<number>();

  let state = initial === null ? 0 : byValue.get(initial) ?? -1;
  let h1 = 0;
  let h2 = 0;
  const stackOp = new Int32Array(n);
  const stackState = new Int32Array(n);
  let depth = 0;
  let steps = 0;
  let e = next[head]!;
  while (next[head] !== head) {
    if ((++steps & 1023) === 0 && now() > deadline) return 'timeout';
    if ((e & 1) === 0) {
      const i = e >> 1;
      const after = isPut[i] ? wants[i]! : state;
      if (isPut[i] || wants[i] === state) {
        const n1 = (h1 ^ z1[i]!) >>> 0;
        const n2 = (h2 ^ z2[i]!) >>> 0;
        const key = ((n1 ^ s1[after + 1]!) >>> 0) * 0x200000 + (((n2 ^ s2[after + 1]!) >>> 0) & 0x1fffff);
        if (!seen.has(key)) {
          seen.add(key);
          stackOp[depth] = i; stackState[depth] = state; depth++;
          state = after; h1 = n1; h2 = n2;
          unlink(2 * i); unlink(2 * i + 1);
          e = next[head]!;
          continue;
        }
      }
      e = next[e]!;
    } else {
      // The return of an operation not yet linearized: it cannot wait any longer. Undo the last choice.
      if (depth === 0) return 'illegal';
      depth--;
      const i = stackOp[depth]!;
      state = stackState[depth]!;
      h1 = (h1 ^ z1[i]!) >>> 0; h2 = (h2 ^ z2[i]!) >>> 0;
      relink(2 * i + 1); relink(2 * i);
      e = next[2 * i]!;
    }
  }
  return 'linearizable';
}

/** mulberry32: a small seeded generator, so that a run's hashes (and its timing) repeat. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
