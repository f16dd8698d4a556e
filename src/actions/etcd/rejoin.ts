import type { EtcdAccess } from '../../clients/etcd/access.js';
import { addMember, freshDataDir, initialCluster } from '../../clients/etcd/membership.js';
import type { EtcdMemberHost } from '../../labs/members.js';
import type { ShellContext } from '../../labs/types.js';

/**
 * Adds a node's member back with a fresh data dir and starts it with initial-cluster-state=existing.
 * The member is stopped first: one that is gone from the list must not run on its old data.
 */
export async function addNodeBack(
  etcd: EtcdAccess, host: EtcdMemberHost, ctx: ShellContext & { log(m: string): void }, node: string,
): Promise<{ memberId: string; waitedMs: number; oldDataDir: string; dataDir: string }> {
  await host.stop(ctx, node);
  const cfg = await host.config(ctx, node);
  const added = await addMember(etcd, ctx.signal, cfg.peerURL, cfg.name);
  if (added.waitedMs > 0) ctx.log(`member add waited ${added.waitedMs} ms for "unhealthy cluster" to pass`);
  // The new member has no name yet in the list: it is this node.
  const cluster = initialCluster(added.members.map((x) => ({ name: x.id === added.id || !x.name ? cfg.name : x.name, peerURL: x.peerURLs[0]! })));
  // kubeadm's way where the lab has it: the same data dir, emptied (the old data kept aside until
  // the member runs); else a fresh data dir beside it.
  const wiped = host.wipe ? await host.wipe(ctx, node) : undefined;
  const dataDir = wiped ? cfg.dataDir : freshDataDir('member');
  await host.reconfigure(ctx, node, { dataDir, state: 'existing', initialCluster: cluster });
  await host.start(ctx, node);
  return { memberId: added.id, waitedMs: added.waitedMs, oldDataDir: wiped ?? cfg.dataDir, dataDir };
}

/** --dry-run lines of a member rejoining. */
export function planRejoin(host: EtcdMemberHost | undefined, node: string): string[] {
  return [
    ...(host ? host.plan('stop', node) : []),
    `etcdctl member add ${node} --peer-urls=<its peer URL>  # retried while "unhealthy cluster"`,
    ...(host ? [...host.plan('wipe', node), ...host.plan('reconfigure', node, `${host.wipe ? 'the same data-dir, emptied' : 'fresh data-dir'}, initial-cluster-state: existing`), ...host.plan('start', node)] : [`# ${node}: new data dir, initial-cluster-state=existing, start`]),
  ];
}
