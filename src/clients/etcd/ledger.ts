/**
 * What the drill itself knows, kept in the run's state: the acknowledged writes (the ledger the RPO
 * is measured against), the cluster ID seen first, the snapshots saved and the last restore.
 */

/** An acknowledged write; `value` and its call and return times (the drill's clock) let the history probe check it too. */
export interface LedgerEntry { key: string; revision: number; value?: string; call?: number; return?: number }
/** An acknowledged delete of a key or of every key under a prefix, on the drill's clock. */
/** A delete: acknowledged (return set), or not (undefined: it may or may not have been applied). */
export interface DeleteRecord { key: string; prefix: boolean; call: number; return?: number }
export interface SnapshotRecord { file: string; revision: number; keys: number; sha256: string; clusterId?: string }
export interface RestoreRecord {
  file: string; snapshotRevision: number; oldClusterId?: string; newClusterId: string;
  /** On the drill's clock (events.now()): before the first member was touched, and once all were healthy again. */
  startMs?: number; endMs?: number;
}

const LEDGER = 'etcd.ledger';
const FIRST_CLUSTER_ID = 'etcd.clusterId.first';
const SNAPSHOT = 'etcd.snapshot:';
const RESTORE = 'etcd.restore';
const DELETES = 'etcd.deletes';

type State = Map<string, unknown>;

export function ledger(state: State): LedgerEntry[] {
  let l = state.get(LEDGER) as LedgerEntry[] | undefined;
  if (!l) state.set(LEDGER, (l = []));
  return l;
}

/** The deletes the drill made (etcd.delete): the history probe needs them to judge the keys etcd.seed wrote. */
export function deletes(state: State): DeleteRecord[] {
  let l = state.get(DELETES) as DeleteRecord[] | undefined;
  if (!l) state.set(DELETES, (l = []));
  return l;
}

/** The first cluster ID this drill saw; later "changed" is judged against it. */
export function rememberClusterId(state: State, id: string): string {
  const first = state.get(FIRST_CLUSTER_ID) as string | undefined;
  if (first === undefined) state.set(FIRST_CLUSTER_ID, id);
  return first ?? id;
}
export const firstClusterId = (state: State): string | undefined => state.get(FIRST_CLUSTER_ID) as string | undefined;

export const recordSnapshot = (state: State, s: SnapshotRecord): void => void state.set(SNAPSHOT + s.file, s);
export const snapshotRecord = (state: State, file: string): SnapshotRecord | undefined => state.get(SNAPSHOT + file) as SnapshotRecord | undefined;
export const recordRestore = (state: State, r: RestoreRecord): void => void state.set(RESTORE, r);
export const lastRestore = (state: State): RestoreRecord | undefined => state.get(RESTORE) as RestoreRecord | undefined;

/** Acknowledged writes after the snapshot's revision are what a restore from it loses (the RPO). */
export function rpoOf(entries: LedgerEntry[], snapshotRevision: number): { lost: LedgerEntry[]; kept: LedgerEntry[]; revisions: number } {
  // A key written twice counts once, at its last acknowledged revision.
  const last = new Map<string, LedgerEntry>();
  for (const e of entries) if ((last.get(e.key)?.revision ?? -1) < e.revision) last.set(e.key, e);
  const all = [...last.values()];
  const lost = all.filter((e) => e.revision > snapshotRevision);
  const lastAck = Math.max(snapshotRevision, ...entries.map((e) => e.revision));
  return { lost, kept: all.filter((e) => e.revision <= snapshotRevision), revisions: lastAck - snapshotRevision };
}
