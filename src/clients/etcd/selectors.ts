import type { NodeSelector } from './types.js';
import type { EtcdAccess } from './access.js';
import { currentLeader } from './leader.js';
import { NODE_SELECTORS } from '../../engine/types.js';

/**
 * Turns `node: leader` / `node: follower` into a node name at run time. A fault action (stop, kill,
 * pause, partition) picks the node and records its choice; a later action that brings a node back
 * (start, unpause, heal) with the same selector gets the same node, because the stopped leader is no
 * longer the leader and "follower" would pick a running one.
 */
export const selectionKey = (selector: string): string => `node.selected:${selector}`;

export const isSelector = (node: string): node is NodeSelector => (NODE_SELECTORS as readonly string[]).includes(node);

export interface SelectorContext {
  state: Map<string, unknown>;
}

export async function resolveNode(
  ctx: SelectorContext,
  etcd: EtcdAccess | undefined,
  node: string,
  mode: 'pick' | 'recall',
): Promise<string> {
  if (!isSelector(node)) return node;
  if (mode === 'recall') {
    const picked = ctx.state.get(selectionKey(node));
    if (typeof picked === 'string') return picked;
  }
  if (!etcd) throw new Error(`node "${node}" needs a lab with etcd to say who is ${node}`);
  const { node: leader, probes } = await currentLeader(etcd);
  let chosen: string | undefined;
  if (node === 'leader') chosen = leader;
  // The last answering follower: with kind's order that is rarely control-plane, the node people watch.
  else chosen = probes.filter((p) => p.ok && p.node !== leader).map((p) => p.node).pop();
  if (!chosen) {
    const seen = probes.map((p) => (p.ok ? `${p.node}: leader ${p.status.leaderId}` : `${p.node}: ${p.error}`)).join('; ');
    throw new Error(`no ${node} found: ${seen}`);
  }
  ctx.state.set(selectionKey(node), chosen);
  return chosen;
}
