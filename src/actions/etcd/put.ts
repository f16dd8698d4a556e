import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { describeAttempts, onAnyMember } from '../../clients/etcd/ops.js';
import { need } from '../../labs/types.js';

const params = z.strictObject({
  key: z.string().min(1).describe('The key; with count > 1 the keys are <key>/1 … <key>/<count>'),
  value: z.string().default('kdrill').describe('The value'),
  count: z.number().int().min(1).max(100_000).default(1).describe('How many keys to write'),
});
type Params = z.output<typeof params>;

export const keysOf = (p: Pick<Params, 'key' | 'count'>): string[] =>
  p.count === 1 ? [p.key] : Array.from({ length: p.count }, (_, i) => `${p.key}/${i + 1}`);

/** Writes keys and fails unless every one was acknowledged (an acknowledged write must never be lost). */
export const etcdPut: ActionModule<Params> = {
  name: 'etcd.put',
  summary: 'write a key (or count keys); every write must be acknowledged',
  params,
  requires: ['etcd'],
  plan: (p) => [`etcd Put ${p.count === 1 ? p.key : `${p.key}/1 … ${p.key}/${p.count}`} = ${JSON.stringify(p.value)} (first member that acknowledges, 2 s deadline each)`],
  async run(ctx, p) {
    const etcd = need(ctx.lab, 'etcd');
    let last: string | undefined;
    const keys = keysOf(p);
    // Small batches: over gRPC 16 puts in parallel (thousands of keys in seconds, without flooding a
    // 2-core machine); where a call is a process (etcdctl in the node), one transaction of 16 puts
    // (putAll: a single key stays a put, with its deadline).
    for (let i = 0; i < keys.length; i += 16) {
      const batch = keys.slice(i, i + 16);
      ctx.signal.throwIfAborted();
      const r = await onAnyMember(etcd, (m, d) => (m.putAll
        ? m.putAll(batch.map((key) => [key, Buffer.from(p.value)] as const), d)
        : Promise.all(batch.map((key) => m.put(key, p.value, d))).then((revs) => Math.max(...revs))), { deadlineMs: 2_000, first: last ? [last] : [] });
      if (!r.node) throw new Error(`write of ${batch.length === 1 ? batch[0] : `${batch[0]} … ${batch.at(-1)}`} not acknowledged: ${describeAttempts(r.attempts)}`);
      last = r.node;
    }
    return { output: `${keys.length} key${keys.length === 1 ? '' : 's'} written (acknowledged by ${last})`, data: { keys: keys.length } };
  },
};
