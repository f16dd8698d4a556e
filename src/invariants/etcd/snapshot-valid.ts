import { z } from 'zod';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { readSnapshotFacts, type SnapshotFacts } from '../../clients/etcd/snapshot.js';
import { need } from '../../labs/types.js';
import { byteSize, formatBytes } from '../../drill/units.js';

const params = z.strictObject({
  file: z.string().min(1).describe('The snapshot file on the host (relative to the drill file)'),
  minKeys: z.number().int().nonnegative().optional().describe('At least this many keys (etcdctl snapshot status TOTAL KEYS)'),
  minBytes: byteSize.optional().describe('At least this big: 1MiB'),
  valid: z.boolean().default(true)
    .describe('false: expect the file to be REJECTED (a zero-byte or truncated copy); holds when verification fails, and says why'),
});
type Params = z.infer<typeof params>;

/** Why the file cannot be restored, or undefined when it can. */
export function snapshotProblem(f: SnapshotFacts, p: Pick<Params, 'minKeys' | 'minBytes'>): string | undefined {
  switch (f.integrity) {
    case 'missing': return 'the file does not exist';
    case 'empty': return 'the file is zero bytes (the seeds\' war story: six months of empty backups)';
    case 'no-trailer':
      return `${f.bytes} bytes is not a whole number of 512-byte blocks plus etcd's 32-byte SHA-256 trailer: truncated, or not a snapshot`;
    case 'mismatch': return 'the SHA-256 trailer does not match the content: truncated or corrupted';
  }
  if (!f.status) return `etcdctl snapshot status cannot read it: ${f.statusError ?? 'no output'}`;
  if (p.minKeys !== undefined && f.status.totalKey < p.minKeys) return `${f.status.totalKey} keys, fewer than the ${p.minKeys} required`;
  if (p.minBytes !== undefined && f.bytes < p.minBytes) return `${formatBytes(f.bytes)}, smaller than the ${formatBytes(p.minBytes)} required`;
  return undefined;
}

export function snapshotVerdict(f: SnapshotFacts, p: Params): Verdict {
  const problem = snapshotProblem(f, p);
  const name = f.file;
  const good = f.status
    ? `${formatBytes(f.bytes)}, revision ${f.status.revision}, ${f.status.totalKey} keys, sha256 ${f.sha256?.slice(0, 12)}…, integrity trailer ok`
    : `${formatBytes(f.bytes)}`;
  if (p.valid) {
    return problem === undefined
      ? { ok: true, message: `snapshot ${name} verified: ${good}` }
      : { ok: false, message: `snapshot ${name} is not restorable: ${problem}`, expected: 'a complete snapshot', observed: problem };
  }
  return problem !== undefined
    ? { ok: true, message: `snapshot ${name} rejected as expected: ${problem}` }
    : { ok: false, message: `snapshot ${name} was expected to fail verification but is valid: ${good}`, expected: 'a rejected snapshot', observed: good };
}

export const snapshotValid: InvariantModule<Params> = {
  name: 'snapshot.valid',
  summary: 'a snapshot file is complete and restorable: SHA-256 trailer, etcdctl snapshot status, minimum keys/size (or, with valid: false, that it is rejected)',
  params,
  // An output path, not an input one: the file is usually written by an earlier step of the drill.
  files: { output: ['file'] },
  requires: ['etcd'],
  plan: (p, ctx) => [`sha256 ${p.file} (check etcd's 32-byte trailer)`, ...need(ctx.lab, 'etcd').tools.planSnapshotStatus(p.file)],
  async check(ctx, p) {
    const facts = await readSnapshotFacts(ctx, p.file, need(ctx.lab, 'etcd').tools);
    return snapshotVerdict(facts, p);
  },
};
