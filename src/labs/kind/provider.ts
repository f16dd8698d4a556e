import path from 'node:path';
import type { LabEnv, LabProvider } from '../types.js';
import { configProblem, DEFAULT_ROLES, kindNodeNames, readRoles, resolveConfig } from './config.js';
import { KIND_CAPABILITIES, KindLab, kindEtcdTransport } from './lab.js';
import { kindSpecSchema, type KindSpec } from './spec.js';

export const kindProvider: LabProvider<KindSpec> = {
  name: 'kind',
  summary: 'a kind cluster (3 control-plane nodes with stacked etcd + workers): kind create cluster, or adopt one with reuse: true',
  schema: kindSpecSchema,
  capabilities: () => KIND_CAPABILITIES,
  etcdTransport: (spec) => kindEtcdTransport(spec),
  /**
   * The node names the config declares (a relative config is looked up from the drill's folder, then
   * the working folder). A config that cannot be read gives the chapter's topology here; specProblems
   * says why it cannot, so validate refuses the drill.
   */
  nodeNames: (spec: KindSpec, ctx?: { drillDir?: string }): string[] => kindNodeNames(rolesOf(spec, ctx?.drillDir)).map((n) => n.name),
  /** Stacked etcd: one member on each control-plane node. */
  etcdMembers: (spec: KindSpec, ctx?: { drillDir?: string }): number => rolesOf(spec, ctx?.drillDir).filter((r) => r === 'control-plane').length,
  /** The config must be there, a small text file, and a kind Cluster config: else `kind create` is the first to say. */
  specProblems(spec: KindSpec, ctx: { drillDir: string }) {
    const problem = configProblem(spec.config, ctx.drillDir);
    return problem ? [{ key: 'config', message: problem }] : [];
  },
  absolutePaths: (spec: KindSpec, drillDir: string): KindSpec => ({ ...spec, config: resolveConfig(spec.config, drillDir) ?? path.resolve(drillDir, spec.config) }),
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
