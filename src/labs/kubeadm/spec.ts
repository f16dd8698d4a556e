import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { formatProblem, type Problem } from '../../engine/errors.js';
import type { Capability, LabProvider, NodeOp } from '../types.js';
import { hostNames, readInventory, type Inventory } from './inventory.js';

/**
 * The `lab:` section of a drill for `provider: kubeadm`. kdrill never creates or deletes these
 * hosts: the inventory names them, the transport reaches them. A drill's node names are the
 * inventory's host names (`node: cp2`); `leader` / `follower` pick by etcd role as on every lab.
 */
export const kubeadmSpecSchema = z.strictObject({
  provider: z.literal('kubeadm'),
  inventory: z.string().min(1).describe('The kdrill inventory of the hosts, relative to the drill file: ../../clusters/kubeadm-vagrant.yaml'),
  transport: z.enum(['ssh', 'docker']).default('ssh')
    .describe('ssh: to the address (or ssh alias) of each host; docker: docker exec into the container of each host (kind nodes are kubeadm nodes)'),
  etcdAccess: z.enum(['auto', 'direct', 'exec']).default('auto')
    .describe("direct: gRPC to each etcd host's 2379 with kubeadm's certs read over the transport; exec: etcdctl or crictl exec on the host; auto: direct where 2379 answers, exec elsewhere"),
});

export type KubeadmSpec = z.output<typeof kubeadmSpecSchema>;
export interface SpecContext { drillDir?: string }

/** The inventory's file: absolute, from the drill's folder, or (folder unknown) from the working folder. */
export function inventoryFile(spec: KubeadmSpec, ctx?: SpecContext): string | undefined {
  const candidates = path.isAbsolute(spec.inventory) ? [spec.inventory] : [ctx?.drillDir && path.resolve(ctx.drillDir, spec.inventory), path.resolve(spec.inventory)];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

/** The inventory, checked for this transport (key files too), or why it cannot be had. */
export function loadInventory(spec: KubeadmSpec, ctx?: SpecContext): { inventory?: Inventory; problems: string[] } {
  const file = inventoryFile(spec, ctx);
  if (!file) return { problems: [`inventory not found: ${path.resolve(ctx?.drillDir ?? '.', spec.inventory)} (a relative path is taken from the drill's folder)`] };
  const { inventory, problems } = readInventory(file, { checkFiles: true, transport: spec.transport });
  return { inventory, problems: problems.map((p: Problem) => formatProblem({ ...p, file: shown(p.file) })) };
}

const shown = (file: string): string => {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
};

/** What `validate` says about the inventory a drill names, under `lab.inventory`. */
export function specProblems(spec: KubeadmSpec, ctx: { drillDir: string }): Array<{ key: string; message: string }> {
  return loadInventory(spec, ctx).problems.map((message) => ({ key: 'inventory', message }));
}

/** The drill's node names: the inventory's host names (the bastion is not one). None when it cannot be read. */
export function nodeNames(spec: KubeadmSpec, ctx?: SpecContext): string[] {
  const { inventory } = loadInventory(spec, ctx);
  return inventory ? hostNames(inventory) : [];
}

/** etcd members: the control planes on stacked etcd, the etcd hosts on external etcd. */
export function etcdMembers(spec: KubeadmSpec, ctx?: SpecContext): number | undefined {
  return loadInventory(spec, ctx).inventory?.hosts.filter((h) => h.roles.includes('etcd')).length;
}

/**
 * What a kubeadm lab of this spec offers: commands on the hosts, etcd, etcd member operations,
 * kubelet and static Pods and the Kubernetes API always; power cuts (node operations) where the
 * inventory gives at least one host a power driver (or cannot be read: specProblems says why). No SQL.
 */
export function capabilities(spec: KubeadmSpec, ctx?: SpecContext): Capability[] {
  // An inventory that cannot be read is told by specProblems; it is not also a missing capability.
  const power = loadInventory(spec, ctx).inventory?.hosts.some((h) => h.power) ?? true;
  const sql = loadInventory(spec, ctx).inventory?.hosts.some((h) => h.postgres) ?? false;
  return [...(power ? ['nodeOps' as const] : []), 'shell', 'etcd', 'members', 'kubernetes', 'staticPods', ...(sql ? ['sql' as const] : [])];
}

/** Why this spec lacks a capability, in the words of the fix. */
export function lacks(spec: KubeadmSpec, capability: Capability, ctx?: SpecContext): string | undefined {
  if (capability === 'sql') return `no host in ${spec.inventory} runs PostgreSQL: add \`postgres: {database: bookstore}\` to the worker that does`;
  if (capability !== 'nodeOps') return undefined;
  const { inventory } = loadInventory(spec, ctx);
  if (!inventory) return `the inventory ${spec.inventory} cannot be read (see its problems)`;
  const first = inventory.hosts[0]!;
  return `no host in ${shown(inventory.file)} has a power driver: add ${powerHint(inventory, first.name)} to ${first.name} (and the others)`;
}

/** Why `node` cannot be powered off or on, for `node.poweroff` / `node.poweron` params: its missing power driver. */
export function powerLacks(spec: KubeadmSpec, node: string, ctx?: SpecContext): string | undefined {
  const { inventory } = loadInventory(spec, ctx);
  const host = inventory?.hosts.find((h) => h.name === node);
  if (!inventory || !host || host.power) return undefined;
  return `host ${node} has no power driver: add \`power: ${powerHint(inventory, node)}\` to it in ${shown(inventory.file)}`;
}

/** A power driver in the inventory's own style: the preset its other hosts use, vagrant when none does. */
function powerHint(inventory: Inventory, node: string): string {
  const driver = inventory.hosts.find((h) => h.power)?.power?.driver ?? 'vagrant';
  const key = { vagrant: 'vm', multipass: 'vm', lima: 'vm', virsh: 'domain', docker: 'container' } as const;
  if (driver === 'custom') return '{driver: custom, off: [...], on: [...]}';
  return `{driver: ${driver}, ${key[driver]}: ${node}}`;
}

/** How a lab of this spec reaches etcd. */
export const etcdTransport = (spec: KubeadmSpec): 'grpc' | 'exec' => (spec.etcdAccess === 'exec' ? 'exec' : 'grpc');

/** The provider's parts that need no lab object (`validate`, `schema`); provider.ts adds `create`. */
export const kubeadmValidation = {
  name: 'kubeadm',
  summary: "the user's own kubeadm hosts (Vagrant, multipass, Lima, libvirt, cloud) from an inventory, over ssh or docker exec (a kind cluster's nodes too); never created or deleted",
  schema: kubeadmSpecSchema,
  capabilities,
  lacks,
  etcdTransport,
  nodeNames,
  etcdMembers,
  specProblems,
  nodeLacks: powerLacks,
  absolutePaths: (spec: KubeadmSpec, drillDir: string): KubeadmSpec => ({ ...spec, inventory: inventoryFile(spec, { drillDir }) ?? path.resolve(drillDir, spec.inventory) }),
  nodeOpLacks: (_spec: KubeadmSpec, op: NodeOp) => (['pause', 'unpause', 'partition', 'heal'].includes(op)
    ? `a kubeadm lab's hosts have a power driver only (node.poweroff / node.poweron): node.${op} is a fault of the etcd and kind labs' containers`
    : undefined),
} satisfies Omit<LabProvider<KubeadmSpec>, 'create'>;
