import type { LabEnv, LabProvider } from '../types.js';
import { DEFAULT_ROLES, kindNodeNames, readRoles } from './config.js';
import { KIND_CAPABILITIES, KindLab, kindEtcdTransport } from './lab.js';
import { kindSpecSchema, type KindSpec } from './spec.js';

export const kindProvider: LabProvider<KindSpec> = {
  name: 'kind',
  summary: 'a kind cluster (3 control-plane nodes with stacked etcd + workers): kind create cluster, or adopt one with reuse: true',
  schema: kindSpecSchema,
  capabilities: () => KIND_CAPABILITIES,
  etcdTransport: (spec) => kindEtcdTransport(spec),
  nodeNames: (spec: KindSpec, ctx?: { drillDir?: string }): string[] => kindNodeNames(rolesOf(spec, ctx?.drillDir)).map((n) => n.name),
  /** Stacked etcd: one member on each control-plane node. */
  etcdMembers: (spec: KindSpec, ctx?: { drillDir?: string }): number => rolesOf(spec, ctx?.drillDir).filter((r) => r === 'control-plane').length,
  create: (spec: KindSpec, env: LabEnv) => new KindLab(spec, env),
};

/**
 * The roles the config declares: relative to the drill's folder, else to the working folder; the
 * chapter's topology when it cannot be read.
 */
function rolesOf(spec: KindSpec, drillDir?: string): Array<'control-plane' | 'worker'> {
  try {
    return readRoles(spec.config, drillDir) ?? [...DEFAULT_ROLES];
  } catch {
    return [...DEFAULT_ROLES];
  }
}
