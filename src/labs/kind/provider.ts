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
  /**
   * The node names the config declares. The loader does not pass the drill's folder yet, so a
   * relative config is also looked up from the working folder, then the chapter's topology is assumed.
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
  create: (spec: KindSpec, env: LabEnv) => new KindLab(spec, env),
};
