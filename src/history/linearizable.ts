import { describeOperation, type Operation } from './operation.js';
import { searchKey } from './search.js';
import { shrink } from './shrink.js';

export type { Operation } from './operation.js';
export { describeOperation } from './operation.js';

export interface CheckOptions {
  /** Time for the whole check, the shrinking included (default 10 s). Past it, keys left are `unknown`. */
  budgetMs?: number;
  /** The value of each key before the history began (a key not in it: absent). */
  initial?: ReadonlyMap<string, string | null>;
  /** The value of each key read once the drill is over (null: the key is absent). */
  final?: ReadonlyMap<string, string | null>;
  /** An `etcd.snapshot.restore` of a snapshot at `revision`: the members stopped from `start` on, healthy again at `end` (monotonic ms). */
  restore?: { revision: number; start: number; end: number };
  /** The clock of the budget (tests hand in their own). */
  now?: () => number;
}

export interface Verdict {
  /** Linearizable and no acknowledged write lost (the RPO of a restore is not a failure). */
  ok: boolean;
  /** `unknown`: no violation found, but the budget ran out before every key was searched. */
  result: 'linearizable' | 'illegal' | 'unknown';
  operations: number;
  keys: number;
  /** The first illegal key, with a 1-minimal illegal sub-history (`minimal: false` if time ran out). */
  illegal?: { key: string; operations: Operation[]; minimal: boolean };
  /** Keys whose search the budget cut short. */
  unsearched: string[];
  /** Acknowledged writes not readable at the end: neither their value nor a later one was read. */
  lost: Operation[];
  /** After a restore: writes acknowledged after the snapshot's revision whose value is still read at the end (the restore did not take them back). */
  survived: Operation[];
  /** No final reads were given: loss was not checked at all. */
  lossUnchecked: boolean;
  /** Keys with writes but no final read: their writes were not checked for loss. */
  unread: string[];
  /** After a restore: the acknowledged writes after the snapshot's revision (expected loss, not a failure). */
  rpo?: { revision: number; writes: Operation[] };
  /** The verdict in the operator's words, one line each. */
  lines: string[];
}

/**
 * Checks a recorded history: linearizable per key (a register: put/get), no acknowledged write lost
 * (the final read of each key returns its value or a later one), and after a snapshot restore the
 * writes after the snapshot's revision counted as the RPO.
 *
 * With a restore the history is two histories: before it, and after it starting from the snapshot's
 * value of each key (its acknowledged write with the highest revision at or below the snapshot's).
 * An operation that overlaps the restore says nothing sure: a read is left out, a write becomes
 * unknown, in both histories (it may be in the snapshot, or made on the new cluster).
 */
export function checkHistory(history: readonly Operation[], options: CheckOptions = {}): Verdict {
  const now = options.now ?? (() => performance.now());
  const deadline = now() + (options.budgetMs ?? 10_000);
  const outOfTime = (): boolean => now() > deadline;
  const restore = options.restore;
  // A failed operation did not happen; a read without an answer says nothing.
  const happened = history.filter((o) => o.outcome !== 'failed' && !(o.op === 'get' && o.outcome === 'unknown'));
  const epochs: { ops: Operation[]; initial: (key: string) => string | null }[] = [];
  const rpoWrites: Operation[] = [];
  const first = (key: string): string | null => options.initial?.get(key) ?? null;
  if (!restore) epochs.push({ ops: happened, initial: first });
  else {
    const before: Operation[] = [];
    const after: Operation[] = [];
    for (const o of happened) {
      if (o.call > restore.end) after.push(o);
      else if (o.outcome === 'ok' && o.return < restore.start) before.push(o);
      else if (o.op === 'put') {
        const maybe: Operation = { ...o, outcome: 'unknown' };
        if (o.call < restore.start) before.push(maybe);
        after.push(maybe);
      }
    }
    const snapshot = new Map<string, Operation>();
    for (const o of before) {
      if (o.op !== 'put' || o.outcome !== 'ok' || o.revision === undefined) continue;
      if (o.revision > restore.revision) rpoWrites.push(o);
      else if ((snapshot.get(o.key)?.revision ?? -1) < o.revision) snapshot.set(o.key, o);
    }
    epochs.push({ ops: before, initial: first }, { ops: after, initial: (k) => snapshot.get(k)?.value ?? first(k) });
  }

  const keys = new Set(happened.map((o) => o.key));
  const unsearched: string[] = [];
  let illegal: Verdict['illegal'];
  search: for (const epoch of epochs) {
    for (const [key, ops] of byKey(epoch.ops)) {
      const initial = epoch.initial(key);
      const result = searchKey(ops, initial, deadline, now);
      if (result === 'timeout') { unsearched.push(key); continue; }
      if (result === 'illegal') {
        const small = shrink(ops, (sub) => searchKey(sub, initial, deadline, now) === 'illegal', outOfTime);
        illegal = { key, ...small };
        break search;
      }
    }
  }
  const { lost, unread, survived } = lostWrites(happened, options.final, restore);
  const result = illegal ? 'illegal' : unsearched.length ? 'unknown' : 'linearizable';
  const verdict: Verdict = { ok: result === 'linearizable' && lost.length === 0 && survived.length === 0, lossUnchecked: !options.final, result, operations: history.length, keys: keys.size, illegal, unsearched, lost, unread, survived, lines: [] };
  if (restore) verdict.rpo = { revision: restore.revision, writes: rpoWrites };
  verdict.lines = describe(verdict);
  return verdict;
}

function byKey(ops: readonly Operation[]): Map<string, Operation[]> {
  const keys = new Map<string, Operation[]>();
  for (const o of ops) {
    const list = keys.get(o.key);
    if (list) list.push(o); else keys.set(o.key, [o]);
  }
  return keys;
}

/**
 * An acknowledged write is lost when the key's final value is neither its value nor the value of a
 * write that may come after it: one that did not return before it was called (or, both revisions
 * known, a higher revision). After a restore, only writes at or below the snapshot's revision and
 * writes made on the restored cluster must survive; the others are the RPO. A final value written
 * after the snapshot's revision on the old cluster is not a loss but a restore that did not happen
 * as said (`survived`).
 */
function lostWrites(happened: readonly Operation[], final: CheckOptions['final'], restore: CheckOptions['restore']): { lost: Operation[]; unread: string[]; survived: Operation[] } {
  if (!final) return { lost: [], unread: [], survived: [] };
  const writerOf = new Map<string, Operation>();
  const emptied = new Map<string, Operation[]>();
  for (const o of happened) {
    if (o.op !== 'put') continue;
    if (o.value !== null) writerOf.set(`${o.key}\u0000${o.value}`, o);
    else emptied.set(o.key, [...(emptied.get(o.key) ?? []), o]);
  }
  const side = (o: Operation): Side => sideOf(o, restore);
  const isRpo = (o: Operation): boolean => !!restore && o.outcome === 'ok' && side(o) === 'old' && o.revision !== undefined && o.revision > restore.revision;
  const mustSurvive = (o: Operation): boolean => !restore || side(o) === 'new' || (side(o) === 'old' && !isRpo(o) && o.revision !== undefined);
  const later = (x: Operation, than: Operation): boolean => {
    const sx = side(x);
    const st = side(than);
    if (sx !== st && sx !== 'either' && st !== 'either') return sx === 'new';
    if (x.revision !== undefined && than.revision !== undefined) return x.revision > than.revision;
    return !(x.outcome === 'ok' && x.return < than.call);
  };
  const lost: Operation[] = [];
  const unread = new Set<string>();
  for (const w of happened) {
    if (w.op !== 'put' || w.outcome !== 'ok' || !mustSurvive(w)) continue;
    if (!final.has(w.key)) { unread.add(w.key); continue; }
    const value = final.get(w.key)!;
    if (value === w.value) continue;
    if (value === null) {
      // Empty at the end: fine after a delete (a write of the empty value) that may come after it.
      if (!emptied.get(w.key)?.some((d) => later(d, w))) lost.push(w);
      continue;
    }
    const seen = writerOf.get(`${w.key}\u0000${value}`);
    if (!seen || !later(seen, w)) lost.push(w);
  }
  // A key's final value written after the snapshot on the old cluster: the restore did not take it back.
  const survived = [...final].flatMap(([key, value]) => {
    const seen = value === null ? undefined : writerOf.get(`${key}\u0000${value}`);
    return seen && isRpo(seen) ? [seen] : [];
  });
  return { lost, unread: [...unread], survived };
}

type Side = 'old' | 'new' | 'either';

/**
 * Which cluster a write landed on, around a restore: acknowledged before it began, the old one; called
 * after it ended, the restored one. During the restore an acknowledged write's revision says it: at or
 * below the snapshot's, it is in the snapshot; above it, on the restored cluster, which goes on from
 * the snapshot's revision (one above it on the old cluster is gone, and cannot be read). An
 * unacknowledged one during or before the restore may be on either.
 */
function sideOf(o: Operation, restore: CheckOptions['restore']): Side {
  if (!restore) return 'old';
  if (o.call > restore.end) return 'new';
  if (o.outcome !== 'ok' || o.revision === undefined) return o.outcome === 'ok' && o.return < restore.start ? 'old' : 'either';
  if (o.return < restore.start) return 'old';
  return o.revision <= restore.revision ? 'old' : 'new';
}

function describe(v: Verdict): string[] {
  const lines: string[] = [];
  if (v.result === 'linearizable') lines.push(`linearizable: ${v.operations} operations on ${v.keys} keys`);
  if (v.result === 'unknown') lines.push(`linearizability unknown: the time budget ran out before ${v.unsearched.length} of ${v.keys} keys were searched (${v.unsearched.slice(0, 5).join(', ')}); no violation found in the others`);
  if (v.illegal) {
    const { key, operations, minimal } = v.illegal;
    lines.push(`not linearizable: key ${key}: these ${operations.length} operations have no legal order` +
      (minimal ? ' (leave any one out and they have one):' : ' (the time budget ran out while shrinking: maybe not the smallest such set):'));
    for (const o of [...operations].sort((a, b) => a.call - b.call)) lines.push(`  ${describeOperation(o)}`);
  }
  if (v.lost.length) {
    lines.push(`${v.lost.length} acknowledged write${v.lost.length === 1 ? '' : 's'} lost (the final read returns neither its value nor a later one):`);
    for (const o of v.lost.slice(0, 20)) lines.push(`  ${describeOperation(o)}`);
  } else if (v.lossUnchecked) lines.push('acknowledged writes not checked for loss (no final reads)');
  else lines.push('0 acknowledged writes lost');
  if (v.unread.length) lines.push(`not checked for loss (no final read): ${v.unread.length} key${v.unread.length === 1 ? '' : 's'}: ${v.unread.slice(0, 5).join(', ')}`);
  if (v.survived.length) {
    lines.push(`${v.survived.length} write${v.survived.length === 1 ? '' : 's'} acknowledged after the snapshot's revision still read at the end (was this cluster restored from that snapshot?):`);
    for (const o of v.survived.slice(0, 20)) lines.push(`  ${describeOperation(o)}`);
  }
  if (v.rpo) {
    lines.push(`RPO of the restore at revision ${v.rpo.revision}: ${v.rpo.writes.length} acknowledged write${v.rpo.writes.length === 1 ? '' : 's'} after it (expected)`);
    for (const o of v.rpo.writes.slice(0, 20)) lines.push(`  ${describeOperation(o)}`);
  }
  return lines;
}
