import type { EtcdAccess } from './access.js';
import { anyMember, OPS_DEADLINE_MS } from './ops.js';

export interface MemberAlarm { member: string; memberId: string; alarm: string }

/** `etcdctl alarm list`, with each alarm's member named by its node. */
export async function listAlarms(etcd: EtcdAccess, signal?: AbortSignal): Promise<MemberAlarm[]> {
  const { alarms, names } = await anyMember(etcd, signal, async (m) => {
    const raised = await m.alarms(OPS_DEADLINE_MS);
    const list = await m.memberList(OPS_DEADLINE_MS);
    return { alarms: raised, names: new Map(list.map((x) => [x.id, etcd.nodeOfName(x.name)])) };
  });
  return alarms.map((a) => ({ member: names.get(a.memberId) ?? a.memberId, memberId: a.memberId, alarm: a.alarm }));
}

/** `etcdctl alarm disarm`: deactivates every raised alarm; returns what was raised. */
export async function disarmAlarms(etcd: EtcdAccess, signal?: AbortSignal): Promise<MemberAlarm[]> {
  const raised = await listAlarms(etcd, signal);
  await anyMember(etcd, signal, async (m) => {
    for (const a of raised) await m.disarm(a, OPS_DEADLINE_MS);
  });
  return raised;
}
