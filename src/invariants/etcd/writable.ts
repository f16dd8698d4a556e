import { z } from 'zod';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { describeAttempts, onAnyMember, type Attempt } from '../../clients/etcd/ops.js';
import { need } from '../../labs/types.js';

const params = z.strictObject({
  key: z.string().min(1).default('kdrill/writable').describe('The key written (its value: the time)'),
});

export function writableVerdict(attempts: Attempt[]): Verdict {
  const ok = attempts.find((a) => a.ok);
  if (ok) return { ok: true, message: `write acknowledged by ${ok.node} in ${Math.round(ok.latencyMs)} ms` };
  return { ok: false, message: `no member acknowledged a write (${describeAttempts(attempts)})`, expected: 'a write acknowledged', observed: 'refused by every member' };
}

export const etcdWritable: InvariantModule<z.output<typeof params>> = {
  name: 'etcd.writable',
  summary: 'a write is acknowledged (by any member, one after the other)',
  params,
  requires: ['etcd'],
  plan: (p) => [`etcd Put ${p.key} on each member in turn until one acknowledges (1 s deadline each)`],
  async check(ctx, p) {
    const { attempts } = await onAnyMember(need(ctx.lab, 'etcd'), (m, d) => m.put(p.key, new Date().toISOString(), d), { deadlineMs: 1_000 });
    return writableVerdict(attempts);
  },
};
