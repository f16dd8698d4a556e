import { z } from 'zod';
import { LabError } from '../../engine/errors.js';
import type { Context, PlanContext } from '../../engine/types.js';
import type { NodeOp, NodeOps } from '../../labs/types.js';
import { currentLeader, LEADER_REFERENCE } from '../../clients/etcd/leader.js';
import { isSelector, resolveNode, selectionKey } from '../../clients/etcd/selectors.js';

export const nodeParam = z.string().min(1).describe('A lab node (control-plane2) or leader / follower, resolved from etcd at run time');

export function nodeOpsOf(lab: Context['lab'] | PlanContext['lab']): NodeOps {
  if (!lab.nodeOps) throw new LabError(`lab provider ${lab.provider} has no node operations`);
  return lab.nodeOps;
}

/** --dry-run lines of a node operation; a selector shows as a placeholder resolved at run time. */
export function planNodeOp(ctx: PlanContext, op: NodeOp, node: string, opts: { graceSeconds?: number } = {}): string[] {
  const docker = nodeOpsOf(ctx.lab);
  const how = ['start', 'unpause', 'heal'].includes(op) ? `the node the last fault on "${node}" picked` : `the current ${node} (etcd Status of every member)`;
  return planOnNode(ctx, node, how, (n) => docker.plan(op, n, opts));
}

/**
 * --dry-run lines of an operation on one node. A selector (`follower`, `leader`) is resolved only at
 * run time: the lines are those of the lab's first node, its container shown as `<follower>`.
 */
export function planOnNode(ctx: PlanContext, node: string, how: string, lines: (node: string) => string[]): string[] {
  if (!isSelector(node)) return lines(node);
  const first = ctx.lab.nodes()[0]!;
  const alone = new RegExp(`(?<![\\w.-])${first.name.replace(/[.]/g, '\\.')}(?![\\w.-])`, 'g');
  return [`# ${node} = ${how}`, ...lines(first.name).map((l) => l.replaceAll(first.container, `<${node}>`).replace(alone, `<${node}>`))];
}

/**
 * The node a fault hits. Before the fault it records who leads (etcd.leader's `changed` compares
 * with it) and, for `leader` / `follower`, which node was picked (node.start recalls it).
 */
export async function faultTarget(ctx: Context, node: string): Promise<string> {
  const etcd = ctx.lab.etcd;
  if (!etcd) return node;
  const chosen = await resolveNode(ctx, etcd, node, 'pick');
  // After the pick: when `leader` waited for an election, the leader before this fault is the one
  // just elected (and it is the node picked), not the one an earlier fault took down.
  const leader = node === 'leader' ? chosen : (await currentLeader(etcd, 500)).node;
  if (leader) ctx.state.set(LEADER_REFERENCE, leader);
  if (isSelector(node)) ctx.log(`${node} is ${chosen}`);
  return chosen;
}

/**
 * The node a recovery (start, unpause, heal) brings back: a selector means the node a fault picked.
 * Undefined when no fault picked one (a restore after steps that failed early): nothing to bring back.
 */
export function recoveryTarget(ctx: Context, node: string): string | undefined {
  if (!isSelector(node)) return node;
  const picked = ctx.state.get(selectionKey(node));
  return typeof picked === 'string' ? picked : undefined;
}

export const nothingPicked = (node: string) => ({ output: `no earlier fault picked a "${node}" node: nothing to bring back` });

export const opsContext = (ctx: Context) => ({ runner: ctx.runner, signal: ctx.signal, state: ctx.state, log: ctx.log });
