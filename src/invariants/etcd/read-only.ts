import { z } from 'zod';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { describeAttempts, type Attempt } from '../../clients/etcd/ops.js';
import { etcdErrorMessage } from '../../clients/etcd/client.js';
import { need } from '../../labs/types.js';

const params = z.strictObject({
  key: z.string().min(1).default('kdrill/read-only').describe('The key the refused write tries'),
});

export interface ReadOnlyFacts {
  writes: Attempt[];
  serializableReads: Attempt[];
}

/** Quorum lost, data still there: no member takes a write, but some member still serves a local read. */
export function readOnlyVerdict(f: ReadOnlyFacts): Verdict {
  const wrote = f.writes.filter((a) => a.ok);
  const read = f.serializableReads.filter((a) => a.ok);
  if (wrote.length > 0) return { ok: false, message: `not read-only: ${wrote.map((a) => a.node).join(', ')} acknowledged a write`, expected: 'writes refused', observed: 'write acknowledged' };
  if (read.length === 0) return { ok: false, message: `no member serves a serializable read (${describeAttempts(f.serializableReads)})`, expected: 'serializable reads answer', observed: 'no answer' };
  return { ok: true, message: `read-only: writes refused by ${f.writes.length} members, serializable reads answered by ${read.map((a) => a.node).join(', ')}` };
}

async function attempt(node: string, op: () => Promise<unknown>): Promise<Attempt> {
  const t = performance.now();
  try {
    await op();
    return { node, ok: true, latencyMs: performance.now() - t };
  } catch (err) {
    return { node, ok: false, latencyMs: performance.now() - t, error: etcdErrorMessage(err) };
  }
}

export const etcdReadOnly: InvariantModule<z.output<typeof params>> = {
  name: 'etcd.readOnly',
  summary: 'writes are refused while serializable reads still answer (quorum lost)',
  params,
  requires: ['etcd'],
  plan: (p) => [`etcd Put ${p.key} on every member (must fail), serializable Range ${p.key} on every member (one must answer)`],
  async check(ctx, p) {
    const etcd = need(ctx.lab, 'etcd');
    const nodes = etcd.members().map((e) => e.node);
    const [writes, serializableReads] = await Promise.all([
      Promise.all(nodes.map((n) => attempt(n, () => etcd.with(n, (m) => m.put(p.key, 'must-not-land', 1_000), ctx.signal)))),
      Promise.all(nodes.map((n) => attempt(n, () => etcd.with(n, (m) => m.get(p.key, 1_000, { serializable: true }), ctx.signal)))),
    ]);
    return readOnlyVerdict({ writes, serializableReads });
  },
};
