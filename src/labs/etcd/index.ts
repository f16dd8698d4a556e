import type { LabEnv, LabProvider } from '../types.js';
import { EtcdLab } from './provider.js';
import { etcdLabSchema, labNodes, type EtcdLabSpec } from './spec.js';

export const etcdProvider: LabProvider<EtcdLabSpec> = {
  name: 'etcd',
  summary: 'etcd members in kind-shaped docker containers (kubeadm certs); no Kubernetes needed',
  schema: etcdLabSchema as unknown as LabProvider<EtcdLabSpec>['schema'],
  capabilities: (spec) => ['nodeOps', 'shell', 'etcd', 'members', ...(spec.worker ? ['sql' as const] : [])],
  etcdTransport: (spec) => (spec.etcdAccess === 'exec' ? 'exec' : 'grpc'),
  lacks: (_spec, c) => (c === 'sql' ? 'the etcd lab has a database only with a worker: add worker: postgres to the lab' : undefined),
  nodeNames: (spec) => labNodes(spec).map((n) => n.name),
  etcdMembers: (spec) => spec.members,
  create: (spec: EtcdLabSpec, env: LabEnv) => new EtcdLab(spec, env),
};

export const labProviders: LabProvider[] = [etcdProvider];
export { EtcdLab };
