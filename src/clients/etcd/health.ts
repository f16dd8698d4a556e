import { setTimeout as delay } from 'node:timers/promises';
import { answered, describeProbes, type EtcdAccess, type MemberStatus } from './access.js';

/**
 * Settled: every member answers and all name one leader that is one of them. An alarm does not
 * count against it (a lab adopted after a NOSPACE drill is settled, and its alarm is the drill's).
 * What lab up, defrag between members, member replace and snapshot restore wait for.
 */
export function settled(statuses: MemberStatus[], members: number): boolean {
  const leaders = new Set(statuses.map((s) => s.leaderId).filter((l) => l !== '0'));
  const [leader] = leaders;
  return statuses.length === members && leaders.size === 1 && statuses.some((s) => s.memberId === leader);
}

/** Waits until the cluster is settled; returns the members' statuses, or throws with what it saw last. */
export async function waitHealthy(etcd: EtcdAccess, signal: AbortSignal | undefined, timeoutMs: number, what = 'cluster'): Promise<MemberStatus[]> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const probes = await etcd.statusAll(1_000);
    const up = answered(probes);
    if (settled(up, probes.length)) return up;
    if (performance.now() > end) throw new Error(`${what} not healthy after ${timeoutMs} ms: ${describeProbes(probes)}`);
    await delay(150, undefined, { signal });
  }
}
