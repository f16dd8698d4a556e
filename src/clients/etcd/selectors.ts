import type { NodeSelector } from './types.js';
import type { EtcdAccess } from './access.js';
import { awaitLeader, currentLeader } from './leader.js';
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
  signal?: AbortSignal;
  log?(line: string): void;
}

/** How long `leader` waits for an election when no member leads (two election timeouts, a split vote). */
export const LEADER_WAIT_MS = 10_000;

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
  let chosen: string | undefined;
  let found: Awaited<ReturnType<typeof currentLeader>>;
  if (node === 'leader') {
    // Only a member that answers as leader: right after a leader is lost the followers still name
    // it, and "the leader" of the next step is the one they elect.
    const waited = await awaitLeader(etcd, ctx.signal, LEADER_WAIT_MS);
    if (waited.node && waited.polls > 1) ctx.log?.(`waited ${waited.waitedMs} ms for an elected leader`);
    found = waited;
    chosen = waited.node;
  } else {
    found = await currentLeader(etcd);
    // The last answering follower: with kind's order that is rarely control-plane, the node people watch.
    chosen = found.probes.filter((p) => p.ok && p.node !== found.node).map((p) => p.node).pop();
  }
  if (!chosen) {
    const seen = found.probes.map((p) => (p.ok ? `${p.node}: leader ${p.status.leaderId}` : `${p.node}: ${p.error}`)).join('; ');
    const why = node === 'leader' ? `no member answers as leader after ${LEADER_WAIT_MS / 1000} s (quorum lost?)` : 'no member answers';
    throw new Error(`no ${node} found: ${why}: ${seen}`);
  }
  ctx.state.set(selectionKey(node), chosen);
  return chosen;
}
