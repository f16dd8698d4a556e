import { z } from 'zod';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { anyMember, OPS_DEADLINE_MS } from '../../clients/etcd/ops.js';
import { need } from '../../labs/types.js';
import { lastRestore, ledger, rpoOf, type LedgerEntry } from '../../clients/etcd/ledger.js';

const params = z.strictObject({
  lostKeys: z.number().int().nonnegative().optional().describe('Exactly this many acknowledged keys are lost (written after the snapshot)'),
  maxLostKeys: z.number().int().nonnegative().optional().describe('At most this many acknowledged keys lost'),
});
type Params = z.infer<typeof params>;

/**
 * After a restore from a snapshot at `snapshotRevision`: every key acknowledged at or before it must be
 * back, every key acknowledged after it is gone — that gap is the RPO.
 */
export function rpoVerdict(p: Params, entries: LedgerEntry[], snapshotRevision: number, present: Set<string>): Verdict {
  const { lost, kept, revisions } = rpoOf(entries, snapshotRevision);
  const missing = kept.filter((e) => !present.has(e.key));
  const survived = lost.filter((e) => present.has(e.key));
  const said = `snapshot at revision ${snapshotRevision}: ${kept.length - missing.length} of ${kept.length} keys written before it are back; `
    + `${lost.length - survived.length} of ${lost.length} written after it are lost (RPO ${lost.length - survived.length} keys, ${revisions} revisions)`;
  if (missing.length > 0) return { ok: false, message: `${said}; missing: ${missing.slice(0, 5).map((e) => e.key).join(', ')}`, expected: 'every key from before the snapshot', observed: `${missing.length} missing` };
  if (survived.length > 0) return { ok: false, message: `${said}; still present although written after the snapshot: ${survived.slice(0, 5).map((e) => e.key).join(', ')} (was this cluster restored?)`, expected: 'writes after the snapshot absent', observed: `${survived.length} present` };
  const n = lost.length;
  if (p.lostKeys !== undefined && n !== p.lostKeys) return { ok: false, message: said, expected: `${p.lostKeys} keys lost`, observed: `${n} keys lost` };
  if (p.maxLostKeys !== undefined && n > p.maxLostKeys) return { ok: false, message: said, expected: `at most ${p.maxLostKeys} keys lost`, observed: `${n} keys lost` };
  return { ok: true, message: said };
}

export const etcdRpo: InvariantModule<Params> = {
  name: 'etcd.rpo',
  summary: 'after a restore: keys acknowledged before the snapshot are back, those after it are lost (the RPO, in keys and revisions)',
  params,
  requires: ['etcd'],
  plan: () => ['etcdctl get <every key written by etcd.seed>  # compared with the restored snapshot\'s revision'],
  async check(ctx, p) {
    const restore = lastRestore(ctx.state);
    if (!restore) return { ok: false, message: 'no etcd.snapshot.restore has run in this drill: nothing to measure the RPO against' };
    const entries = ledger(ctx.state);
    if (entries.length === 0) return { ok: false, message: 'no acknowledged writes recorded: write keys with etcd.seed before and after the snapshot' };
    const keys = [...new Set(entries.map((e) => e.key))];
    const present = await anyMember(need(ctx.lab, 'etcd'), ctx.signal, async (m) => {
      const found = new Set<string>();
      for (const k of keys) if ((await m.get(k, OPS_DEADLINE_MS)) !== null) found.add(k);
      return found;
    });
    return rpoVerdict(p, entries, restore.snapshotRevision, present);
  },
};
