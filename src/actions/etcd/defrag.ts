import { z } from 'zod';
import { positiveDuration } from '../../drill/schema.js';
import { parseDuration } from '../../drill/duration.js';
import type { ActionModule, Context } from '../../engine/types.js';
import { answered, type EtcdAccess, type MemberStatus } from '../../clients/etcd/access.js';
import { waitHealthy } from '../../clients/etcd/health.js';
import { defragOrder } from '../../clients/etcd/leader.js';
import { errText, OPS_DEADLINE_MS } from '../../clients/etcd/ops.js';
import { need } from '../../labs/types.js';
import { formatBytes } from '../../drill/units.js';
import { quorumOf } from '../../clients/etcd/quorum.js';

const UNSAFE_MESSAGE =
  'all: true defragments every member at once: each one is blocked while it rewrites its file, so the whole ' +
  'cluster stalls ("the maintenance becomes the incident"). Leave it out to defrag one member at a time, ' +
  'followers first and the leader last, or add unsafe: true to show the anti-pattern on purpose';

const params = z
  .strictObject({
    nodes: z.array(z.string()).optional().describe('Only these members (default: every member); still one at a time, leader last'),
    all: z.boolean().default(false).describe('Defrag every member AT ONCE (the anti-pattern); refused unless unsafe: true'),
    unsafe: z.boolean().default(false).describe('Allow all: true, to show on purpose why it is wrong'),
    healthTimeout: positiveDuration.default('30s').describe('After each member: how long to wait for every member healthy and a leader'),
  })
  .refine((p) => !p.all || p.unsafe, { message: UNSAFE_MESSAGE, path: ['all'] });
type Params = z.infer<typeof params>;

/** The next member to defrag given who leads now (leadership can move mid-pass). */
export function nextToDefrag<T extends { node: string; leader: boolean }>(remaining: T[]): T | undefined {
  return defragOrder(remaining)[0];
}

async function statuses(etcd: EtcdAccess): Promise<MemberStatus[]> {
  return answered(await etcd.statusAll(2_000));
}

async function defragOne(etcd: EtcdAccess, ctx: Context, node: string, before: number): Promise<{ blockedMs: number; after: number }> {
  const started = performance.now();
  // Defrag can take seconds per GB: its own long deadline, not the default one.
  await etcd.with(node, (m) => m.defragment(10 * 60_000), ctx.signal);
  const blockedMs = Math.round(performance.now() - started);
  const now = await etcd.status(node, OPS_DEADLINE_MS);
  const after = now.ok ? now.status.dbSize : before;
  ctx.measure(`defrag.${node}.blocked`, blockedMs, 'ms');
  ctx.measure(`defrag.${node}.dbSize.before`, before, 'bytes');
  ctx.measure(`defrag.${node}.dbSize.after`, after, 'bytes');
  ctx.log(`defragmented ${node}: ${formatBytes(before)} → ${formatBytes(after)}, blocked ${blockedMs} ms`);
  return { blockedMs, after };
}

export const defrag: ActionModule<Params> = {
  name: 'etcd.defrag',
  summary: 'defragment members one at a time, followers first and the leader last, health checked between (all: true + unsafe: true for the anti-pattern)',
  params: params as unknown as z.ZodType<Params>,
  requires: ['etcd'],
  nodeParams: ['nodes'],
  plan: (p) =>
    p.all
      ? ['etcdctl defrag --endpoints=<every member> (ALL AT ONCE: unsafe)']
      : ['etcdctl endpoint status (who leads?)', 'for each follower, then the leader: etcdctl defrag --endpoints=<member>; etcdctl endpoint health --cluster'],
  async run(ctx, p) {
    const etcd = need(ctx.lab, 'etcd');
    const wanted = etcd.members().filter((m) => !p.nodes || p.nodes.includes(m.node));
    const first = await statuses(etcd);
    if (first.length < quorumOf(etcd.members().length)) {
      throw new Error(`only ${first.length} of ${etcd.members().length} members answer: no defrag without quorum`);
    }
    const sizeBefore = Math.max(...first.map((s) => s.dbSize));
    const lines: string[] = [];
    if (p.all) {
      ctx.log('defragmenting every member AT ONCE (unsafe: true): the whole cluster is blocked meanwhile', 'warn');
      const results = await Promise.all(wanted.map((m) => defragOne(etcd, ctx, m.node, first.find((s) => s.node === m.node)?.dbSize ?? 0)));
      results.forEach((r, i) => lines.push(`${wanted[i]!.node} (all at once): blocked ${r.blockedMs} ms`));
    } else {
      const done = new Set<string>();
      for (;;) {
        const now = await statuses(etcd);
        const next = nextToDefrag(now.filter((s) => !done.has(s.node) && wanted.some((m) => m.node === s.node)));
        if (!next) break;
        const r = await defragOne(etcd, ctx, next.node, next.dbSize);
        lines.push(`${next.node}${next.leader ? ' (leader, last)' : ''}: ${formatBytes(next.dbSize)} → ${formatBytes(r.after)}, blocked ${r.blockedMs} ms`);
        done.add(next.node);
        // "Wait for it to rejoin, verify health" between members.
        await waitHealthy(etcd, ctx.signal, parseDuration(p.healthTimeout) ?? 30_000).catch((e: unknown) => {
          throw new Error(`after defragmenting ${next.node}: ${errText(e)}`);
        });
      }
      const missing = wanted.filter((m) => !done.has(m.node)).map((m) => m.node);
      if (missing.length > 0) throw new Error(`not defragmented (did not answer): ${missing.join(', ')}`);
    }
    const sizeAfter = Math.max(...(await statuses(etcd)).map((s) => s.dbSize));
    ctx.measure('defrag.dbSize.before', sizeBefore, 'bytes');
    ctx.measure('defrag.dbSize.after', sizeAfter, 'bytes');
    return { output: [...lines, `largest DB: ${formatBytes(sizeBefore)} → ${formatBytes(sizeAfter)}`].join('\n') };
  },
};
