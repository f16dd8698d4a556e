import { existsSync } from 'node:fs';
import path from 'node:path';
import { readSmallText, UnreadableFile } from '../../drill/read.js';
import { parseOne, YamlError } from '../../drill/yaml.js';
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

const KIND_CONFIG = { noun: 'kind config', starts: 'kind: Cluster and apiVersion: kind.x-k8s.io/v1alpha4' };

/**
 * The roles declared by a kind Cluster config (kind needs both `kind: Cluster` and its apiVersion);
 * no `nodes` means kind's default: one control plane. Anything else throws, naming `where`.
 */
export function rolesOfConfig(text: string, where = 'the file'): Array<'control-plane' | 'worker'> {
  let doc: unknown;
  try {
    doc = parseOne(text, KIND_CONFIG).value;
  } catch (err) {
    if (!(err instanceof YamlError)) throw err;
    const p = err.problems[0]!;
    throw new Error(`${where}:${p.line}:${p.col}: ${p.message}`);
  }
  const cluster = doc as { kind?: unknown; apiVersion?: unknown; nodes?: unknown } | null;
  if (typeof cluster !== 'object' || cluster === null || cluster.kind !== 'Cluster' || !/^kind\.x-k8s\.io\//.test(String(cluster.apiVersion))) {
    throw new Error(`${where} is not a kind Cluster config (expected ${KIND_CONFIG.starts})`);
  }
  const nodes = cluster.nodes ?? [{ role: 'control-plane' }];
  if (!Array.isArray(nodes)) throw new Error(`${where}: nodes must be a list of nodes, each with a role`);
  return nodes.map((n: unknown, i) => {
    const role = (n as { role?: unknown } | null)?.role ?? 'control-plane';
    if (role !== 'control-plane' && role !== 'worker') throw new Error(`${where}: nodes[${i}].role ${JSON.stringify(role)} (expected control-plane or worker)`);
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

/** The chapter's topology, for node names when the config cannot be read (validate refuses the drill then). */
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
  return file ? rolesOfConfig(readConfigText(file), file) : undefined;
}

/** What is wrong with the config a drill names, for `validate`: not found, not a small text file, not a kind Cluster config. */
export function configProblem(config: string, drillDir: string): string | undefined {
  if (!resolveConfig(config, drillDir)) return `kind config not found: ${path.resolve(drillDir, config)} (a relative path is taken from the drill's folder)`;
  try {
    readRoles(config, drillDir);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function readConfigText(file: string): string {
  try {
    return readSmallText(file);
  } catch (err) {
    if (!(err instanceof UnreadableFile)) throw err;
    throw new Error(`${file}${err.line > 1 || err.col > 1 ? `:${err.line}:${err.col}` : ''}: ${err.message}`);
  }
}
