import { z } from 'zod';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { describeAttempts, onAnyMember } from '../../clients/etcd/ops.js';
import { need } from '../../labs/types.js';

const params = z
  .strictObject({
    key: z.string().min(1).describe('The key to read (linearizable: the cluster must have quorum)'),
    equals: z.string().optional().describe('Its value must be this'),
    absent: z.literal(true).optional().describe('The key must not exist'),
  })
  .refine((p) => !(p.equals !== undefined && p.absent), { message: 'give equals or absent, not both' });
type Params = z.output<typeof params>;

export function keyVerdict(p: Params, value: string | null): Verdict {
  const seen = value === null ? 'absent' : JSON.stringify(value);
  if (p.absent) return value === null ? { ok: true, message: `${p.key} is absent` } : { ok: false, message: `${p.key} exists (${seen})`, expected: 'absent', observed: seen };
  if (value === null) return { ok: false, message: `${p.key} is absent`, expected: p.equals === undefined ? 'present' : JSON.stringify(p.equals), observed: 'absent' };
  if (p.equals !== undefined && value !== p.equals) return { ok: false, message: `${p.key} is ${seen}`, expected: JSON.stringify(p.equals), observed: seen };
  return { ok: true, message: `${p.key} = ${seen}` };
}

export const etcdKey: InvariantModule<Params> = {
  name: 'etcd.key',
  summary: 'a key has a value (or is absent), read linearizably',
  params: params as unknown as z.ZodType<Params>,
  requires: ['etcd'],
  plan: (p) => [`etcd Range ${p.key} (linearizable, first member that answers)`],
  async check(ctx, p) {
    const r = await onAnyMember(need(ctx.lab, 'etcd'), async (m, d) => (await m.get(p.key, d))?.toString('utf8') ?? null, { deadlineMs: 1_000 });
    if (!r.node) return { ok: false, message: `no member answered a read of ${p.key} (${describeAttempts(r.attempts)})` };
    return keyVerdict(p, r.value ?? null);
  },
};
