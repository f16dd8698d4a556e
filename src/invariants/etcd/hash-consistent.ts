import { z } from 'zod';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { etcdErrorMessage } from '../../clients/etcd/client.js';
import { need } from '../../labs/types.js';

const params = z.strictObject({});

export type HashAnswer = { node: string; hash?: string; error?: string };

/** HashKV at one revision must be equal on every member: what etcd's functional tester checks after each fault. */
export function hashVerdict(revision: number, answers: HashAnswer[]): Verdict {
  const failed = answers.filter((a) => a.hash === undefined);
  if (failed.length) return { ok: false, message: `no hash from ${failed.map((a) => `${a.node} (${a.error})`).join(', ')}` };
  const hashes = [...new Set(answers.map((a) => a.hash))];
  const detail = answers.map((a) => `${a.node} ${a.hash}`).join(', ');
  if (hashes.length > 1) return { ok: false, message: `members disagree at revision ${revision}: ${detail}`, expected: 'one hash', observed: detail };
  return { ok: true, message: `${answers.length} members have the same data at revision ${revision} (hash ${hashes[0]})` };
}

export const etcdHashConsistent: InvariantModule<Record<string, never>> = {
  name: 'etcd.hashConsistent',
  summary: 'HashKV at one revision is equal on every member',
  params,
  requires: ['etcd'],
  plan: () => [
    'etcd Status on every member (lowest revision), then HashKV at that revision on every member (etcdctl endpoint hashkv --cluster)',
    '# if that revision is compacted (an idle cluster right after etcd.compact): HashKV at each member\'s current revision, compared when all are at one revision',
  ],
  async check(ctx) {
    const etcd = need(ctx.lab, 'etcd');
    const nodes = etcd.members().map((e) => e.node);
    const revisions = await Promise.all(nodes.map((n) => etcd.with(n, (m) => m.status(1_000), ctx.signal).then((s) => s.revision)));
    const revision = Math.min(...revisions);
    const ask = (rev: number) => Promise.all(nodes.map(async (node): Promise<HashAnswer & { revision?: number }> => {
      try {
        const r = await etcd.with(node, (m) => m.hashKV(rev, 2_000), ctx.signal);
        return { node, hash: r.hash, revision: r.revision };
      } catch (err) {
        return { node, error: etcdErrorMessage(err) };
      }
    }));
    const answers = await ask(revision);
    if (!answers.some((a) => a.error !== undefined && /compacted/.test(a.error))) return hashVerdict(revision, answers);
    // HashKV refuses a revision at or below the last compaction. At revision 0 each member hashes
    // up to its current revision: comparable once every member is at the same one.
    const latest = await ask(0);
    const at = [...new Set(latest.map((a) => a.revision).filter((r) => r !== undefined))];
    if (at.length > 1) return { ok: false, message: `revision ${revision} is compacted and the members are at different revisions (${latest.map((a) => `${a.node} ${a.revision ?? a.error}`).join(', ')}): no common revision to compare yet` };
    return hashVerdict(at[0] ?? revision, latest);
  },
};
