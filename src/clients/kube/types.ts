/** What kdrill asks of a Kubernetes API server: small on purpose, one method per question a drill asks. */

export interface CallOptions {
  /** The step's (or probe's) abort signal. */
  signal?: AbortSignal;
  /** Overrides the client's default per-call deadline. */
  timeoutMs?: number;
}

export interface NodeStatus {
  name: string;
  ready: boolean;
  controlPlane: boolean;
}

export interface PodStatus {
  namespace: string;
  name: string;
  phase: string;
  /** Every container ready. */
  ready: boolean;
  node?: string;
}

export interface DeploymentStatus {
  namespace: string;
  name: string;
  replicas: number;
  ready: number;
  available: number;
  updated: number;
  generation: number;
  observedGeneration: number;
}

export interface LeaseStatus {
  namespace: string;
  name: string;
  /** e.g. `bookstore-ha-control-plane2_5f3c…`: the node name, then the candidate's id. */
  holder?: string;
  renewTime?: string;
  durationSeconds?: number;
  transitions?: number;
}

export type WorkloadKind = 'deployment' | 'statefulset';

export interface KubeClient {
  /** A read that needs the API server and etcd's data (GET a namespace). */
  readNamespace(name: string, o?: CallOptions): Promise<void>;
  listNodes(o?: CallOptions): Promise<NodeStatus[]>;
  listPods(namespace: string, o?: CallOptions & { labelSelector?: string }): Promise<PodStatus[]>;
  listDeployments(namespace: string, o?: CallOptions): Promise<DeploymentStatus[]>;
  readDeployment(namespace: string, name: string, o?: CallOptions): Promise<DeploymentStatus>;
  /** Sets spec.replicas through the scale subresource (what `kubectl scale` does). */
  scale(namespace: string, kind: WorkloadKind, name: string, replicas: number, o?: CallOptions): Promise<void>;
  createConfigMap(namespace: string, name: string, data: Record<string, string>, o?: CallOptions): Promise<void>;
  replaceConfigMap(namespace: string, name: string, data: Record<string, string>, o?: CallOptions): Promise<void>;
  deleteConfigMap(namespace: string, name: string, o?: CallOptions): Promise<void>;
  readLease(namespace: string, name: string, o?: CallOptions): Promise<LeaseStatus>;
}

/** An API answer that is not a success, with the server's own words (`etcdserver: request timed out`). */
export class KubeApiError extends Error {
  override name = 'KubeApiError';
  constructor(readonly operation: string, readonly status: number | undefined, detail: string) {
    super(`${operation}: ${status ? `HTTP ${status} ` : ''}${detail}`);
  }
}
