import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { describeAttempts, onAnyMember } from '../../clients/etcd/ops.js';
import { need } from '../../labs/types.js';
import { deletes } from '../../clients/etcd/ledger.js';

const params = z
  .strictObject({
    key: z.string().min(1).optional().describe('Delete this key'),
    prefix: z.string().min(1).optional().describe('Delete every key starting with this'),
  })
  .refine((p) => (p.key === undefined) !== (p.prefix === undefined), { message: 'give key or prefix (one of them)' });
type Params = z.output<typeof params>;

export const etcdDelete: ActionModule<Params> = {
  name: 'etcd.delete',
  summary: 'delete a key or every key under a prefix',
  params: params as unknown as z.ZodType<Params>,
  requires: ['etcd'],
  plan: (p) => [p.key !== undefined ? `etcd DeleteRange ${p.key}` : `etcd DeleteRange --prefix ${p.prefix}`],
  async run(ctx, p) {
    const call = ctx.events.now();
    const r = await onAnyMember(need(ctx.lab, 'etcd'), (m, d) => (p.key !== undefined ? m.delete(p.key, d) : m.delete(p.prefix!, d, { prefix: true })), { deadlineMs: 5_000 });
    // Not acknowledged (timed out, or failed on every member): applied or not, nobody can say, so it
    // has no return (the history check takes both outcomes).
    deletes(ctx.state).push({ key: p.key ?? p.prefix!, prefix: p.key === undefined, call, ...(r.node ? { return: ctx.events.now() } : {}) });
    if (!r.node) throw new Error(`delete not acknowledged: ${describeAttempts(r.attempts)}`);
    return { output: `${r.value!} key(s) deleted`, data: { deleted: r.value! } };
  },
};
