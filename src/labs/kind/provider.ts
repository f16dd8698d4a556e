import type { LabEnv, LabProvider } from '../types.js';
import { configProblem, DEFAULT_ROLES, kindNodeNames, readRoles } from './config.js';
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
  nodeNames(spec: KindSpec, ctx?: { drillDir?: string }): string[] {
    let roles: Array<'control-plane' | 'worker'> | undefined;
    try {
      roles = readRoles(spec.config, ctx?.drillDir);
    } catch {
      roles = undefined;
    }
    return kindNodeNames(roles ?? [...DEFAULT_ROLES]).map((n) => n.name);
  },
  /** The config must be there, a small text file, and a kind Cluster config: else `kind create` is the first to say. */
  specProblems(spec: KindSpec, ctx: { drillDir: string }) {
    const problem = configProblem(spec.config, ctx.drillDir);
    return problem ? [{ key: 'config', message: problem }] : [];
  },
  create: (spec: KindSpec, env: LabEnv) => new KindLab(spec, env),
};
