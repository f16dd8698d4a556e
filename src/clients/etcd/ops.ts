import { LabError } from '../../engine/errors.js';
import type { Lab } from '../../labs/types.js';
import type { EtcdAccess } from './access.js';
import { etcdErrorMessage, within } from './client.js';

/** The lab's etcd capability, or a LabError naming what is missing. */
export function requireEtcd(lab: Lab): EtcdAccess {
  const etcd = lab.get<EtcdAccess>('etcd');
  if (!etcd) throw new LabError(`lab provider ${lab.provider} offers no etcd access`);
  return etcd;
}

/** The member that last answered an onAnyMember call, per lab access: tried first next time. */
const lastGood = new WeakMap<EtcdAccess, string>();

export interface Attempt {
  node: string;
  ok: boolean;
  latencyMs: number;
  error?: string;
}

/**
 * Tries `op` on one member after the other (those in `first` before the rest) until one succeeds;
 * every attempt has its own deadline. What an operator's client with several endpoints does, but
 * each try visible.
 */
export async function onAnyMember<T>(
  etcd: EtcdAccess,
  op: (client: Awaited<ReturnType<EtcdAccess['client']>>, opts: { deadline: Date }) => Promise<T>,
  opts: { deadlineMs?: number; first?: string[] } = {},
): Promise<{ value?: T; node?: string; attempts: Attempt[] }> {
  const nodes = etcd.endpoints().map((e) => e.node);
  // A stopped member's IP answers nothing (no ARP reply): trying it first would cost a whole deadline.
  const first = [...(opts.first ?? []), ...(lastGood.has(etcd) ? [lastGood.get(etcd)!] : [])].filter((n) => nodes.includes(n));
  const order = [...new Set([...first, ...nodes])];
  const attempts: Attempt[] = [];
  for (const node of order) {
    const started = performance.now();
    try {
      const value = await op(await etcd.client(node), within(opts.deadlineMs));
      attempts.push({ node, ok: true, latencyMs: performance.now() - started });
      lastGood.set(etcd, node);
      return { value, node, attempts };
    } catch (err) {
      attempts.push({ node, ok: false, latencyMs: performance.now() - started, error: etcdErrorMessage(err) });
    }
  }
  return { attempts };
}

export const describeAttempts = (attempts: Attempt[]): string =>
  attempts.map((a) => `${a.node}: ${a.ok ? `ok in ${Math.round(a.latencyMs)} ms` : a.error}`).join('; ');
