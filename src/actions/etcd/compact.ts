import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { anyMember, errText, OPS_DEADLINE_MS } from '../../clients/etcd/ops.js';
import { need } from '../../labs/types.js';

const params = z.strictObject({
  physical: z.boolean().default(true).describe('Wait until the compaction is applied to the backend (etcdctl compact --physical)'),
});
type Params = z.infer<typeof params>;

/** `etcdctl compact $REV` with the current revision: history below it is gone, the file does not shrink yet. */
export const compact: ActionModule<Params> = {
  name: 'etcd.compact',
  summary: 'compact the keyspace history to the current revision (frees space logically; defrag reclaims it)',
  params,
  requires: ['etcd'],
  plan: (p) => ['REV=$(etcdctl endpoint status → header.revision)', `etcdctl compact $REV${p.physical ? ' --physical' : ''}`],
  async run(ctx, p) {
    const etcd = need(ctx.lab, 'etcd');
    const { revision, member } = await anyMember(etcd, ctx.signal, async (m, node) => {
      const rev = (await m.status(OPS_DEADLINE_MS)).revision;
      try {
        await m.compact(rev, p.physical, 60_000);
      } catch (err) {
        // Compacting twice to the same revision is not a failure of the drill: the history is gone either way.
        if (!/compacted/.test(errText(err))) throw err;
        ctx.log(`revision ${rev} was already compacted`);
      }
      return { revision: Number(rev), member: node };
    });
    ctx.measure('compact.revision', revision);
    return { output: `compacted to revision ${revision} (via ${member})`, data: { revision } };
  },
};
