import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { anyMember, OPS_DEADLINE_MS } from '../../clients/etcd/ops.js';
import { need } from '../../labs/types.js';
import { ledger } from '../../clients/etcd/ledger.js';

const params = z.strictObject({
  prefix: z.string().min(1).describe('Keys written: <prefix>0001 …'),
  count: z.number().int().positive().max(100_000).describe('How many keys'),
  value: z.string().default('kdrill').describe('The value of every key'),
});
type Params = z.infer<typeof params>;

/**
 * Writes keys and remembers each acknowledged write with its revision: the ledger `etcd.rpo` and the
 * restore judge against ("keys written after the snapshot are lost").
 */
export const seed: ActionModule<Params> = {
  name: 'etcd.seed',
  summary: 'write N keys under a prefix, remembering each acknowledged revision (for the RPO after a restore)',
  params,
  requires: ['etcd'],
  plan: (p) => [`etcdctl put ${p.prefix}0001 ${p.value} … ${p.prefix}${String(p.count).padStart(4, '0')} (${p.count} keys)`],
  async run(ctx, p) {
    const etcd = need(ctx.lab, 'etcd');
    const book = ledger(ctx.state);
    const { first, last } = await anyMember(etcd, ctx.signal, async (m) => {
      let first = 0;
      let last = 0;
      for (let i = 1; i <= p.count; i++) {
        const key = `${p.prefix}${String(i).padStart(4, '0')}`;
        const call = ctx.events.now();
        last = await m.put(key, p.value, OPS_DEADLINE_MS);
        first ||= last;
        book.push({ key, revision: last, value: p.value, call, return: ctx.events.now() });
      }
      return { first, last };
    });
    ctx.measure('seed.lastRevision', last);
    return { output: `${p.count} keys under ${p.prefix} acknowledged at revisions ${first}–${last}`, data: { first, last } };
  },
};
