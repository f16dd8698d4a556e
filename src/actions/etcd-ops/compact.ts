import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { deadline, errText, opsEtcd } from '../../labs/etcd/ops-access.js';

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
    const etcd = opsEtcd(ctx);
    const { revision, member } = await etcd.any(ctx, async (c, m) => {
      const s = await c.maintenance.status(deadline());
      const rev = s.header.revision;
      try {
        await c.kv.compact({ revision: rev, physical: p.physical }, deadline(60_000));
      } catch (err) {
        // Compacting twice to the same revision is not a failure of the drill: the history is gone either way.
        if (!/compacted/.test(errText(err))) throw err;
        ctx.log(`revision ${rev} was already compacted`);
      }
      return { revision: Number(rev), member: m.node };
    });
    ctx.measure('compact.revision', revision);
    return { output: `compacted to revision ${revision} (via ${member})`, data: { revision } };
  },
};
