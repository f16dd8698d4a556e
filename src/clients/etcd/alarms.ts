import type { EtcdAccess } from './access.js';
import { within } from './client.js';
import { anyMember, OPS_DEADLINE_MS } from './ops.js';

export interface MemberAlarm { member: string; memberId: string; alarm: string }

// etcd's AlarmRequest enums, by number: the client's typings and the wire names differ in case.
const ALARM_GET = 0;
const ALARM_DEACTIVATE = 2;
const ALARM_CODES = ['NONE', 'NOSPACE', 'CORRUPT'];
export function alarmName(a: unknown): string {
  return typeof a === 'number' ? (ALARM_CODES[a] ?? String(a)) : String(a).toUpperCase();
}

/** `etcdctl alarm list`, with each alarm's member named by its node. */
export async function listAlarms(etcd: EtcdAccess, signal?: AbortSignal): Promise<MemberAlarm[]> {
  const { alarms, names } = await anyMember(etcd, signal, async (c) => {
    const r = await c.maintenance.alarm({ action: ALARM_GET, memberID: 0, alarm: 0 }, within(OPS_DEADLINE_MS));
    const list = (await c.cluster.memberList({}, within(OPS_DEADLINE_MS))).members;
    return { alarms: r.alarms, names: new Map(list.map((m) => [m.ID, etcd.nodeOfName(m.name)])) };
  });
  return alarms.map((a) => ({ member: names.get(a.memberID) ?? a.memberID, memberId: a.memberID, alarm: alarmName(a.alarm) }));
}

/** `etcdctl alarm disarm`: deactivates every raised alarm; returns what was raised. */
export async function disarmAlarms(etcd: EtcdAccess, signal?: AbortSignal): Promise<MemberAlarm[]> {
  const raised = await listAlarms(etcd, signal);
  await anyMember(etcd, signal, async (c) => {
    for (const a of raised) await c.maintenance.alarm({ action: ALARM_DEACTIVATE, memberID: a.memberId, alarm: ALARM_CODES.indexOf(a.alarm) }, within(OPS_DEADLINE_MS));
  });
  return raised;
}
