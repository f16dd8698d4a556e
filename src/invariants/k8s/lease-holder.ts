import { z } from 'zod';
import { kubeOf } from '../../clients/kube/lab.js';
import { apiPaths, NS_NAME_PATTERN, splitRef } from '../../clients/kube/paths.js';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { drillNodeName } from './nodes.js';

const params = z.strictObject({
  lease: z.string().regex(new RegExp(NS_NAME_PATTERN), { message: 'expected namespace/name, e.g. kube-system/kube-scheduler' })
    .default('kube-system/kube-scheduler').describe('The Lease, namespace/name'),
  notOn: z.string().optional().describe('The holder must not be on this node (e.g. the node just stopped)'),
  holderOn: z.string().optional().describe('The holder must be on this node'),
  changed: z.boolean().optional().describe('true: a different holder than the first one this drill saw; false: the same one'),
});
type Params = z.infer<typeof params>;

/** `bookstore-ha-control-plane2_5f3c…` → `bookstore-ha-control-plane2`: the identity starts with the node's hostname. */
export function holderNode(identity: string | undefined): string | undefined {
  if (!identity) return undefined;
  const i = identity.indexOf('_');
  return i < 0 ? identity : identity.slice(0, i);
}

export interface LeaseObservation {
  /** The holder's node, in the drill's words (control-plane2). */
  node?: string;
  identity?: string;
  /** The first holder identity this drill saw. */
  first?: string;
}

export function leaseHolderVerdict(p: Params, o: LeaseObservation): Verdict {
  const lease = p.lease.split('/')[1];
  if (!o.identity) return { ok: false, message: `Lease ${lease} has no holder: no ${lease} is active`, expected: 'a holder', observed: 'none' };
  const who = `Lease ${lease} held on ${o.node}`;
  if (p.notOn !== undefined && o.node === p.notOn) return { ok: false, message: `${who}, the node it must have left`, expected: `a holder other than ${p.notOn}`, observed: o.node };
  if (p.holderOn !== undefined && o.node !== p.holderOn) return { ok: false, message: `${who}, not on ${p.holderOn}`, expected: p.holderOn, observed: o.node };
  if (p.changed === true && o.identity === o.first) return { ok: false, message: `${who}: still the first holder, no failover yet`, expected: `a holder other than ${o.first}`, observed: o.identity };
  if (p.changed === false && o.identity !== o.first) return { ok: false, message: `${who}: the holder changed (was ${o.first})`, expected: o.first, observed: o.identity };
  const extra = p.changed ? ` (taken over from ${holderNode(o.first)})` : p.notOn ? ` (not ${p.notOn})` : '';
  return { ok: true, message: `${who}${extra}: exactly one active` };
}

export const k8sLeaseHolder: InvariantModule<Params> = {
  name: 'k8s.leaseHolder',
  summary: "a leader-election Lease's holder (kube-scheduler, kube-controller-manager): held, on or not on a node, changed",
  params,
  nodeParams: ['notOn', 'holderOn'],
  requires: ['kubernetes'],
  plan(p) {
    const { namespace, name } = splitRef(p.lease);
    return [`GET ${apiPaths.lease(namespace, name)}  # spec.holderIdentity (kubectl -n ${namespace} get lease ${name})`];
  },
  async check(ctx, p) {
    const { namespace, name } = splitRef(p.lease);
    const lease = await (await kubeOf(ctx.lab).client()).readLease(namespace, name, { signal: ctx.signal });
    // The first holder seen in this run is the reference for `changed` (the steady state records it).
    const key = `k8s.leaseHolder:${p.lease}`;
    if (!ctx.state.has(key) && lease.holder) ctx.state.set(key, lease.holder);
    const node = holderNode(lease.holder);
    return leaseHolderVerdict(p, { identity: lease.holder, node: node && drillNodeName(ctx.lab, node), first: ctx.state.get(key) as string | undefined });
  },
};
