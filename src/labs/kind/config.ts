import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { LabNode } from '../types.js';

/** kind's labels on every node container (and on the external load balancer). */
export const CLUSTER_LABEL = 'io.x-k8s.kind.cluster';
export const ROLE_LABEL = 'io.x-k8s.kind.role';

export type KindRole = LabNode['role'];

/**
 * Node names the way kind gives them: the first of a role has no number, the next ones count from 2
 * (`control-plane`, `control-plane2`, `control-plane3`, `worker`, `worker2`).
 */
export function kindNodeNames(roles: ReadonlyArray<'control-plane' | 'worker'>): Array<{ name: string; role: KindRole }> {
  const seen = { 'control-plane': 0, worker: 0 };
  return roles.map((role) => {
    seen[role] += 1;
    return { name: seen[role] === 1 ? role : `${role}${seen[role]}`, role };
  });
}

/** The roles declared by a kind Cluster config; no `nodes` means kind's default: one control plane. */
export function rolesOfConfig(text: string, where = 'kind config'): Array<'control-plane' | 'worker'> {
  const doc = parse(text) as { kind?: string; nodes?: Array<{ role?: string }> } | null;
  if (!doc || doc.kind !== 'Cluster') throw new Error(`${where}: not a kind Cluster config (expected kind: Cluster)`);
  const nodes = doc.nodes ?? [{ role: 'control-plane' }];
  return nodes.map((n, i) => {
    const role = n.role ?? 'control-plane';
    if (role !== 'control-plane' && role !== 'worker') throw new Error(`${where}: nodes[${i}].role "${role}" (expected control-plane or worker)`);
    return role;
  });
}

/** The lab's nodes, load balancer included when kind puts one in front of several API servers. */
export function nodesOfConfig(cluster: string, roles: ReadonlyArray<'control-plane' | 'worker'>): LabNode[] {
  const nodes: LabNode[] = kindNodeNames(roles).map((n) => ({ ...n, container: `${cluster}-${n.name}` }));
  if (roles.filter((r) => r === 'control-plane').length > 1) {
    nodes.push({ name: 'external-load-balancer', container: loadBalancerName(cluster), role: 'load-balancer' });
  }
  return nodes;
}

export const loadBalancerName = (cluster: string): string => `${cluster}-external-load-balancer`;

/** The chapter's topology, used when the config file cannot be read (validate from another folder). */
export const DEFAULT_ROLES = ['control-plane', 'control-plane', 'control-plane', 'worker', 'worker'] as const;

/**
 * Finds the config: absolute, relative to the drill's folder, or (when the caller does not know the
 * drill's folder) relative to the working folder.
 */
export function resolveConfig(config: string, drillDir?: string): string | undefined {
  const candidates = path.isAbsolute(config) ? [config] : [drillDir && path.resolve(drillDir, config), path.resolve(config)];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

export function readRoles(config: string, drillDir?: string): Array<'control-plane' | 'worker'> | undefined {
  const file = resolveConfig(config, drillDir);
  return file ? rolesOfConfig(readFileSync(file, 'utf8'), file) : undefined;
}
