import { z } from 'zod';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { requireEtcd } from '../../clients/etcd/ops.js';
import type { IHashKVResponse } from 'etcd3';
import { etcdErrorMessage, within, type EtcdClient } from '../../clients/etcd/client.js';

const params = z.strictObject({});

/**
 * etcd3 1.1.2's `maintenance.hashKV` calls a grpc method named `hashKV`, which its loaded service
 * does not have ("client[method] is not a function"); the proto name `HashKV` works.
 */
async function hashKV(client: EtcdClient, revision: number, deadlineMs: number): Promise<IHashKVResponse> {
  const rpc = (client.maintenance as unknown as { client: { exec(s: string, m: string, req: unknown, o: unknown): Promise<IHashKVResponse> } }).client;
  return rpc.exec('Maintenance', 'HashKV', { revision }, within(deadlineMs));
}

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
  plan: () => ['etcd Status on every member (lowest revision), then HashKV at that revision on every member (etcdctl endpoint hashkv --cluster)'],
  async check(ctx) {
    const etcd = requireEtcd(ctx.lab);
    const nodes = etcd.endpoints().map((e) => e.node);
    const revisions = await Promise.all(nodes.map(async (n) => Number((await (await etcd.client(n)).maintenance.status(within(1_000))).header.revision)));
    const revision = Math.min(...revisions);
    const answers = await Promise.all(nodes.map(async (node): Promise<HashAnswer> => {
      try {
        const r = await hashKV(await etcd.client(node), revision, 2_000);
        return { node, hash: String(r.hash) };
      } catch (err) {
        return { node, error: etcdErrorMessage(err) };
      }
    }));
    return hashVerdict(revision, answers);
  },
};
