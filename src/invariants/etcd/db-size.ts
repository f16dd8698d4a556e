import { z } from 'zod';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { answered, type MemberStatus } from '../../clients/etcd/access.js';
import { need } from '../../labs/types.js';

export type MemberSize = Pick<MemberStatus, 'node' | 'dbSize' | 'dbSizeInUse'>;
import { byteSize, formatBytes, fraction, percent } from '../../drill/units.js';

const params = z
  .strictObject({
    max: byteSize.optional().describe('Every member\'s DB file is at most this big: 16MiB'),
    fragmentationBelow: fraction.optional()
      .describe('(dbSize − dbSizeInUse) / dbSize under this on every member: 0.2 or 20% (after a defrag)'),
    fragmentationAbove: fraction.optional()
      .describe('At least this fragmented on every member (after a compaction, before the defrag: space freed only logically)'),
  })
  .refine((p) => p.max !== undefined || p.fragmentationBelow !== undefined || p.fragmentationAbove !== undefined, {
    message: 'give max, fragmentationBelow or fragmentationAbove',
  });
type Params = z.infer<typeof params>;

export const fragmentation = (m: Pick<MemberSize, 'dbSize' | 'dbSizeInUse'>): number =>
  m.dbSize > 0 ? Math.max(0, (m.dbSize - m.dbSizeInUse) / m.dbSize) : 0;

const show = (m: MemberSize) => `${m.node} ${formatBytes(m.dbSize)} (in use ${formatBytes(m.dbSizeInUse)}, ${percent(fragmentation(m))} free)`;

/** Judges every member that answered; a member that did not answer is named but judged by the others' quorum elsewhere. */
export function dbSizeVerdict(p: Params, members: MemberSize[]): Verdict {
  if (members.length === 0) return { ok: false, message: 'no member answered endpoint status' };
  const bad: string[] = [];
  for (const m of members) {
    const f = fragmentation(m);
    if (p.max !== undefined && m.dbSize > p.max) bad.push(`${m.node} ${formatBytes(m.dbSize)} > max ${formatBytes(p.max)}`);
    if (p.fragmentationBelow !== undefined && f >= p.fragmentationBelow) bad.push(`${m.node} ${percent(f)} free, not below ${percent(p.fragmentationBelow)}`);
    if (p.fragmentationAbove !== undefined && f <= p.fragmentationAbove) bad.push(`${m.node} ${percent(f)} free, not above ${percent(p.fragmentationAbove)}`);
  }
  const observed = members.map(show).join('; ');
  const wanted = [
    p.max !== undefined ? `≤ ${formatBytes(p.max)}` : '',
    p.fragmentationBelow !== undefined ? `fragmentation < ${percent(p.fragmentationBelow)}` : '',
    p.fragmentationAbove !== undefined ? `fragmentation > ${percent(p.fragmentationAbove)}` : '',
  ].filter(Boolean).join(', ');
  return bad.length === 0
    ? { ok: true, message: `DB size on ${members.length} member(s) ${wanted}: ${observed}` }
    : { ok: false, message: bad.join('; '), expected: `every member ${wanted}`, observed };
}

export const etcdDbSize: InvariantModule<Params> = {
  name: 'etcd.dbSize',
  summary: 'each member\'s DB file size and fragmentation (dbSize vs dbSizeInUse from endpoint status)',
  params: params as unknown as z.ZodType<Params>,
  requires: ['etcd'],
  plan: () => ['etcdctl endpoint status on each member (dbSize, dbSizeInUse)'],
  async check(ctx, p) {
    return dbSizeVerdict(p, answered(await need(ctx.lab, 'etcd').statusAll(2_000)));
  },
};
