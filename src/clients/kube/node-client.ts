import type { KubeClient, CallOptions, DeploymentStatus, LeaseStatus, NodeStatus, PodStatus } from './types.js';
import { KubeApiError } from './types.js';
import { apiPaths } from './paths.js';

type K8s = typeof import('@kubernetes/client-node');

/**
 * KubeClient over @kubernetes/client-node, loaded on first use (it costs ~0.9 s to import). Every
 * call carries its own deadline: an API server whose etcd lost quorum hangs on writes rather than
 * failing, and a drill must see that as "refused within the deadline", not wait forever.
 */
export async function createNodeKubeClient(kubeconfig: string, defaultTimeoutMs = 10_000): Promise<KubeClient> {
  const k8s: K8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const coord = kc.makeApiClient(k8s.CoordinationV1Api);

  const withDeadline = (o: CallOptions = {}) => {
    const deadline = AbortSignal.timeout(o.timeoutMs ?? defaultTimeoutMs);
    const signal = o.signal ? AbortSignal.any([o.signal, deadline]) : deadline;
    const keep = <T>(v: T) => new k8s.Observable(Promise.resolve(v));
    return { middleware: [{ pre: (c: import('@kubernetes/client-node').RequestContext) => { c.setSignal(signal); return keep(c); }, post: keep }], middlewareMergeStrategy: 'append' as const };
  };

  async function call<T>(op: string, o: CallOptions | undefined, f: (opts: ReturnType<typeof withDeadline>) => Promise<T>): Promise<T> {
    try {
      return await f(withDeadline(o));
    } catch (err) {
      throw toApiError(op, err, o?.timeoutMs ?? defaultTimeoutMs);
    }
  }

  return {
    async readNamespace(name, o) {
      await call(`GET ${apiPaths.namespace(name)}`, o, (x) => core.readNamespace({ name }, x));
    },
    async listNodes(o) {
      const list = await call(`GET ${apiPaths.nodes()}`, o, (x) => core.listNode({}, x));
      return list.items.map(nodeStatus);
    },
    async listPods(namespace, o) {
      const list = await call(`GET ${apiPaths.pods(namespace)}`, o, (x) => core.listNamespacedPod({ namespace, labelSelector: o?.labelSelector }, x));
      return list.items.map(podStatus);
    },
    async listDeployments(namespace, o) {
      const list = await call(`GET ${apiPaths.deployments(namespace)}`, o, (x) => apps.listNamespacedDeployment({ namespace }, x));
      return list.items.map(deploymentStatus);
    },
    async readDeployment(namespace, name, o) {
      return deploymentStatus(await call(`GET ${apiPaths.deployment(namespace, name)}`, o, (x) => apps.readNamespacedDeployment({ namespace, name }, x)));
    },
    async scale(namespace, kind, name, replicas, o) {
      const op = `PUT ${apiPaths.scale(namespace, kind, name)}`;
      const body = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name, namespace }, spec: { replicas } };
      await call(op, o, (x) => kind === 'deployment'
        ? apps.replaceNamespacedDeploymentScale({ namespace, name, body }, x)
        : apps.replaceNamespacedStatefulSetScale({ namespace, name, body }, x));
    },
    async createConfigMap(namespace, name, data, o) {
      await call(`POST ${apiPaths.configMaps(namespace)}`, o, (x) => core.createNamespacedConfigMap({ namespace, body: { metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'kdrill' } }, data } }, x));
    },
    async replaceConfigMap(namespace, name, data, o) {
      await call(`PUT ${apiPaths.configMap(namespace, name)}`, o, (x) => core.replaceNamespacedConfigMap({ namespace, name, body: { metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'kdrill' } }, data } }, x));
    },
    async deleteConfigMap(namespace, name, o) {
      await call(`DELETE ${apiPaths.configMap(namespace, name)}`, o, (x) => core.deleteNamespacedConfigMap({ namespace, name }, x));
    },
    async readLease(namespace, name, o) {
      return leaseStatus(await call(`GET ${apiPaths.lease(namespace, name)}`, o, (x) => coord.readNamespacedLease({ namespace, name }, x)));
    },
  };
}

type V1 = import('@kubernetes/client-node').V1Node;

function nodeStatus(n: V1): NodeStatus {
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  const labels = n.metadata?.labels ?? {};
  return { name: n.metadata?.name ?? '', ready, controlPlane: 'node-role.kubernetes.io/control-plane' in labels };
}

function podStatus(p: import('@kubernetes/client-node').V1Pod): PodStatus {
  const cs = p.status?.containerStatuses ?? [];
  return {
    namespace: p.metadata?.namespace ?? '',
    name: p.metadata?.name ?? '',
    phase: p.status?.phase ?? 'Unknown',
    ready: cs.length > 0 && cs.every((c) => c.ready),
    node: p.spec?.nodeName,
  };
}

function deploymentStatus(d: import('@kubernetes/client-node').V1Deployment): DeploymentStatus {
  return {
    namespace: d.metadata?.namespace ?? '',
    name: d.metadata?.name ?? '',
    replicas: d.spec?.replicas ?? 1,
    ready: d.status?.readyReplicas ?? 0,
    available: d.status?.availableReplicas ?? 0,
    updated: d.status?.updatedReplicas ?? 0,
    generation: d.metadata?.generation ?? 0,
    observedGeneration: d.status?.observedGeneration ?? 0,
  };
}

function leaseStatus(l: import('@kubernetes/client-node').V1Lease): LeaseStatus {
  const renew = l.spec?.renewTime as unknown;
  return {
    namespace: l.metadata?.namespace ?? '',
    name: l.metadata?.name ?? '',
    holder: l.spec?.holderIdentity,
    renewTime: renew instanceof Date ? renew.toISOString() : (renew as string | undefined),
    durationSeconds: l.spec?.leaseDurationSeconds,
    transitions: l.spec?.leaseTransitions,
  };
}

function toApiError(op: string, err: unknown, timeoutMs: number): KubeApiError {
  const e = err as { name?: string; code?: number; body?: unknown; message?: string };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return new KubeApiError(op, undefined, `no answer within ${timeoutMs} ms`);
  if (typeof e?.code === 'number') {
    let detail = '';
    try {
      const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
      detail = (body as { message?: string })?.message ?? '';
    } catch {
      detail = String(e.body ?? '');
    }
    return new KubeApiError(op, e.code, detail || 'error');
  }
  return new KubeApiError(op, undefined, e?.message ?? String(err));
}
