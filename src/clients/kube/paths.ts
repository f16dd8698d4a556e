import type { WorkloadKind } from './types.js';

/** The REST paths behind each client call: shown by --dry-run and in errors, answered by the test double. */
export const apiPaths = {
  namespace: (name: string) => `/api/v1/namespaces/${name}`,
  nodes: () => '/api/v1/nodes',
  pods: (ns: string) => `/api/v1/namespaces/${ns}/pods`,
  configMaps: (ns: string) => `/api/v1/namespaces/${ns}/configmaps`,
  configMap: (ns: string, name: string) => `/api/v1/namespaces/${ns}/configmaps/${name}`,
  deployments: (ns: string) => `/apis/apps/v1/namespaces/${ns}/deployments`,
  deployment: (ns: string, name: string) => `/apis/apps/v1/namespaces/${ns}/deployments/${name}`,
  scale: (ns: string, kind: WorkloadKind, name: string) => `/apis/apps/v1/namespaces/${ns}/${kind}s/${name}/scale`,
  lease: (ns: string, name: string) => `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/${name}`,
};

/** `kube-system/kube-scheduler` → {namespace, name}; a bare name is in `defaultNamespace`. */
export function splitRef(ref: string, defaultNamespace = 'default'): { namespace: string; name: string } {
  const i = ref.indexOf('/');
  return i < 0 ? { namespace: defaultNamespace, name: ref } : { namespace: ref.slice(0, i), name: ref.slice(i + 1) };
}

/** A namespaced reference as the schema checks it: `ns/name`, DNS-1123 words. */
export const NS_NAME_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$';
