import { z } from 'zod';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { listAlarms, type MemberAlarm } from '../../clients/etcd/alarms.js';
import { need } from '../../labs/types.js';

const ALARMS = ['NOSPACE', 'CORRUPT'] as const;

const params = z
  .strictObject({
    none: z.literal(true).optional().describe('No alarm is raised on any member ("alarm list" is empty)'),
    includes: z.enum(ALARMS).optional().describe('This alarm is raised (NOSPACE: the cluster refuses writes until disarmed)'),
  })
  .refine((p) => (p.none === true) !== (p.includes !== undefined), {
    message: 'say either none: true or includes: NOSPACE (exactly one)',
  });
type Params = z.infer<typeof params>;

export function describeAlarms(alarms: MemberAlarm[]): string {
  return alarms.length === 0 ? 'no alarm' : alarms.map((a) => `${a.alarm} on ${a.member}`).join(', ');
}

export function alarmsVerdict(p: Params, alarms: MemberAlarm[]): Verdict {
  const seen = describeAlarms(alarms);
  if (p.none) {
    return alarms.length === 0
      ? { ok: true, message: 'alarm list is empty: writes are not blocked by an alarm' }
      : { ok: false, message: `alarm raised: ${seen}`, expected: 'no alarm', observed: seen };
  }
  const hit = alarms.filter((a) => a.alarm === p.includes);
  return hit.length > 0
    ? { ok: true, message: `${p.includes} alarm raised (${seen})${p.includes === 'NOSPACE' ? ': the cluster is read-only until "alarm disarm"' : ''}` }
    : { ok: false, message: `no ${p.includes} alarm (${seen})`, expected: `${p.includes} raised`, observed: seen };
}

export const etcdAlarms: InvariantModule<Params> = {
  name: 'etcd.alarms',
  summary: 'the alarm list: none raised, or a given alarm (NOSPACE) raised — A-C-D-D starts here',
  params: params as unknown as z.ZodType<Params>,
  requires: ['etcd'],
  plan: () => ['etcdctl alarm list (Maintenance.Alarm GET on a reachable member)'],
  async check(ctx, p) {
    return alarmsVerdict(p, await listAlarms(need(ctx.lab, 'etcd'), ctx.signal));
  },
};
