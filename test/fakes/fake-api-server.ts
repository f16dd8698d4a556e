import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * TEST DOUBLE of a Kubernetes API server: kind and kube-apiserver cannot run on our machines, so
 * the Kubernetes actions, invariants and probe are tested against this small node:http server that
 * answers only the paths they use (src/clients/kube/paths.ts), from an in-memory store. It is NOT a
 * Kubernetes: no admission, no controllers beyond a toy Deployment status. The real thing is
 * exercised by the nightly workflow on GitHub's runners.
 */

type Obj = Record<string, any>;

export interface FakeApiState {
  namespaces: Set<string>;
  nodes: Obj[];
  pods: Obj[];
  deployments: Obj[];
  statefulsets: Obj[];
  configMaps: Map<string, Obj>;
  leases: Map<string, Obj>;
  /** 'error': writes answer 500 like an API server whose etcd lost quorum; 'hang': they never answer. */
  writes: 'ok' | 'error' | 'hang';
  reads: 'ok' | 'hang';
  /** GETs of a Deployment before its status catches up with a new spec (a toy controller). */
  rolloutAfterGets: number;
  requests: string[];
}

export interface FakeApiServer {
  url: string;
  kubeconfig: string;
  state: FakeApiState;
  close(): Promise<void>;
}

export function fakeNode(name: string, ready = true, controlPlane = false): Obj {
  return {
    metadata: { name, labels: controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {} },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'Unknown' }] },
  };
}

export function fakePod(namespace: string, name: string, phase = 'Running', ready = true, labels: Record<string, string> = {}): Obj {
  return { metadata: { namespace, name, labels }, spec: { nodeName: 'bookstore-ha-worker' }, status: { phase, containerStatuses: [{ name: 'c', ready }] } };
}

export function fakeDeployment(namespace: string, name: string, replicas = 1, available = replicas): Obj {
  return {
    metadata: { namespace, name, generation: 1 },
    spec: { replicas },
    status: { replicas, readyReplicas: available, availableReplicas: available, updatedReplicas: replicas, observedGeneration: 1 },
    pendingGets: 0,
  };
}

export function fakeLease(namespace: string, name: string, holder: string): Obj {
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { namespace, name }, spec: { holderIdentity: holder, leaseDurationSeconds: 15, renewTime: new Date().toISOString() } };
}

const status = (code: number, reason: string, message: string) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code });

export async function startFakeApiServer(init: Partial<FakeApiState> = {}): Promise<FakeApiServer> {
  const state: FakeApiState = {
    namespaces: new Set(['default', 'kube-system']), nodes: [], pods: [], deployments: [], statefulsets: [],
    configMaps: new Map(), leases: new Map(), writes: 'ok', reads: 'ok', rolloutAfterGets: 0, requests: [], ...init,
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => handle(state, req, body, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'kdrill-fake-api-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, [
    'apiVersion: v1', 'kind: Config', 'current-context: fake',
    'clusters:', `- name: fake`, `  cluster: {server: "${url}", insecure-skip-tls-verify: true}`,
    'users:', '- name: fake', '  user: {token: fake-token}',
    'contexts:', '- name: fake', '  context: {cluster: fake, user: fake}', '',
  ].join('\n'));
  return {
    url, kubeconfig, state,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

function handle(s: FakeApiState, req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
  const u = new URL(req.url ?? '/', 'http://x');
  const method = req.method ?? 'GET';
  s.requests.push(`${method} ${u.pathname}`);
  const send = (code: number, obj: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(obj));
  };
  if (method !== 'GET' && s.writes === 'hang') return; // never answers: the client's deadline must fire
  if (method !== 'GET' && s.writes === 'error') return send(500, status(500, 'InternalError', 'etcdserver: request timed out'));
  if (method === 'GET' && s.reads === 'hang') return;
  const p = u.pathname;
  let m: RegExpExecArray | null;

  if ((m = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(p)) && method === 'GET') {
    return s.namespaces.has(m[1]!) ? send(200, { kind: 'Namespace', metadata: { name: m[1] } }) : send(404, status(404, 'NotFound', `namespaces "${m[1]}" not found`));
  }
  if (p === '/api/v1/nodes' && method === 'GET') return send(200, { kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: s.nodes });
  if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(p)) && method === 'GET') {
    const sel = u.searchParams.get('labelSelector');
    const [k, v] = sel ? sel.split('=') : [];
    const items = s.pods.filter((x) => x.metadata.namespace === m![1] && (!k || x.metadata.labels?.[k] === v));
    return send(200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items });
  }
  if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps$/.exec(p)) && method === 'POST') {
    const obj = JSON.parse(body);
    const key = `${m[1]}/${obj.metadata.name}`;
    if (s.configMaps.has(key)) return send(409, status(409, 'AlreadyExists', `configmaps "${obj.metadata.name}" already exists`));
    s.configMaps.set(key, { ...obj, metadata: { ...obj.metadata, namespace: m[1] } });
    return send(201, s.configMaps.get(key));
  }
  if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps\/([^/]+)$/.exec(p))) {
    const key = `${m[1]}/${m[2]}`;
    if (!s.configMaps.has(key)) return send(404, status(404, 'NotFound', `configmaps "${m[2]}" not found`));
    if (method === 'PUT') {
      s.configMaps.set(key, JSON.parse(body));
      return send(200, s.configMaps.get(key));
    }
    if (method === 'DELETE') {
      s.configMaps.delete(key);
      return send(200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
    }
  }
  if ((m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments$/.exec(p)) && method === 'GET') {
    return send(200, { kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: {}, items: s.deployments.filter((d) => d.metadata.namespace === m![1]).map(view) });
  }
  if ((m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)$/.exec(p)) && method === 'GET') {
    const d = s.deployments.find((x) => x.metadata.namespace === m![1] && x.metadata.name === m![2]);
    if (!d) return send(404, status(404, 'NotFound', `deployments.apps "${m[2]}" not found`));
    // The toy controller: the status reaches the spec after a few looks.
    if (d.pendingGets > 0 && --d.pendingGets === 0) {
      const r = d.spec.replicas;
      Object.assign(d.status, { replicas: r, readyReplicas: r, availableReplicas: r, updatedReplicas: r, observedGeneration: d.metadata.generation });
    }
    return send(200, view(d));
  }
  if ((m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/(deployments|statefulsets)\/([^/]+)\/scale$/.exec(p)) && method === 'PUT') {
    const list = m[2] === 'deployments' ? s.deployments : s.statefulsets;
    const d = list.find((x) => x.metadata.namespace === m![1] && x.metadata.name === m![3]);
    if (!d) return send(404, status(404, 'NotFound', `${m[2]}.apps "${m[3]}" not found`));
    const scale = JSON.parse(body);
    d.spec.replicas = scale.spec.replicas;
    d.metadata.generation += 1;
    d.pendingGets = s.rolloutAfterGets;
    if (s.rolloutAfterGets === 0) Object.assign(d.status, { replicas: d.spec.replicas, availableReplicas: d.spec.replicas, updatedReplicas: d.spec.replicas, observedGeneration: d.metadata.generation });
    return send(200, { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: m[3], namespace: m[1] }, spec: { replicas: d.spec.replicas } });
  }
  if ((m = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases\/([^/]+)$/.exec(p)) && method === 'GET') {
    const l = s.leases.get(`${m[1]}/${m[2]}`);
    return l ? send(200, l) : send(404, status(404, 'NotFound', `leases.coordination.k8s.io "${m[2]}" not found`));
  }
  send(404, status(404, 'NotFound', `the test double does not serve ${method} ${p}`));
}

function view(d: Obj): Obj {
  const { pendingGets: _ignored, ...rest } = d;
  return { kind: 'Deployment', apiVersion: 'apps/v1', ...rest };
}
