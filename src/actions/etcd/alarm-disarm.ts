import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { disarmAlarms } from '../../clients/etcd/alarms.js';
import { need } from '../../labs/types.js';
import { describeAlarms } from '../../invariants/etcd/alarms.js';

const params = z.strictObject({});

/** `etcdctl alarm disarm`: the last D of A-C-D-D. Without freeing space first, the next write raises NOSPACE again. */
export const alarmDisarm: ActionModule<z.infer<typeof params>> = {
  name: 'etcd.alarm.disarm',
  summary: 'disarm every raised alarm (NOSPACE stays until this is done, even after space is freed)',
  params,
  requires: ['etcd'],
  plan: () => ['etcdctl alarm list', 'etcdctl alarm disarm'],
  async run(ctx) {
    const raised = await disarmAlarms(need(ctx.lab, 'etcd'), ctx.signal);
    ctx.measure('alarms.disarmed', raised.length);
    return { output: raised.length === 0 ? 'no alarm was raised' : `disarmed: ${describeAlarms(raised)}` };
  },
};
