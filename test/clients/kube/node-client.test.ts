import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeKubeClient } from '../../../src/clients/kube/node-client.js';
import { KubeApiError, type KubeClient } from '../../../src/clients/kube/types.js';
import { fakeDeployment, fakeLease, fakeNode, fakePod, startFakeApiServer, type FakeApiServer } from '../../fakes/fake-api-server.js';

describe('the kube client over @kubernetes/client-node, against the fake API server (test double)', () => {
  let api: FakeApiServer;
  let client: KubeClient;
  beforeAll(async () => {
    api = await startFakeApiServer({
      nodes: [fakeNode('bookstore-ha-control-plane', true, true), fakeNode('bookstore-ha-worker', false)],
      pods: [fakePod('bookstore', 'postgres-0', 'Running', true, { app: 'postgres' }), fakePod('bookstore', 'web-1', 'Pending', false, { app: 'web' })],
      deployments: [fakeDeployment('bookstore', 'storefront', 2, 1)],
      statefulsets: [fakeDeployment('bookstore', 'postgres', 1)],
    });
    api.state.leases.set('kube-system/kube-scheduler', fakeLease('kube-system', 'kube-scheduler', 'bookstore-ha-control-plane2_abc'));
    client = await createNodeKubeClient(api.kubeconfig, 1_000);
  });
  afterAll(() => api.close());

  it('reads nodes, pods, deployments and a lease into plain statuses', async () => {
    expect(await client.listNodes()).toEqual([
      { name: 'bookstore-ha-control-plane', ready: true, controlPlane: true },
      { name: 'bookstore-ha-worker', ready: false, controlPlane: false },
    ]);
    expect((await client.listPods('bookstore', { labelSelector: 'app=postgres' })).map((p) => p.name)).toEqual(['postgres-0']);
    expect(await client.readDeployment('bookstore', 'storefront')).toMatchObject({ replicas: 2, available: 1 });
    expect(await client.readLease('kube-system', 'kube-scheduler')).toMatchObject({ holder: 'bookstore-ha-control-plane2_abc', durationSeconds: 15 });
  });

  it('writes: ConfigMap create, replace, delete; scale through the subresource', async () => {
    await client.createConfigMap('default', 'x', { a: '1' });
    await client.replaceConfigMap('default', 'x', { a: '2' });
    expect(api.state.configMaps.get('default/x')?.data).toEqual({ a: '2' });
    await client.deleteConfigMap('default', 'x');
    expect(api.state.configMaps.has('default/x')).toBe(false);
    await client.scale('bookstore', 'statefulset', 'postgres', 3);
    expect(api.state.statefulsets[0]!.spec.replicas).toBe(3);
    expect(api.state.requests).toContain('PUT /apis/apps/v1/namespaces/bookstore/statefulsets/postgres/scale');
  });

  it("an error carries the operation, the HTTP status and the server's words", async () => {
    const err = await client.readLease('kube-system', 'nope').catch((e) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err.message).toBe('GET /apis/coordination.k8s.io/v1/namespaces/kube-system/leases/nope: HTTP 404 leases.coordination.k8s.io "nope" not found');
  });

  it('every call has a deadline: a hanging write fails after it, not never', async () => {
    api.state.writes = 'hang';
    const started = Date.now();
    const err = await client.createConfigMap('default', 'y', {}, { timeoutMs: 300 }).catch((e) => e);
    api.state.writes = 'ok';
    expect(err.message).toMatch(/POST \/api\/v1\/namespaces\/default\/configmaps: no answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('an aborted signal stops the call', async () => {
    api.state.reads = 'hang';
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const err = await client.readNamespace('default', { signal: ac.signal, timeoutMs: 5_000 }).catch((e) => e);
    api.state.reads = 'ok';
    expect(err).toBeInstanceOf(KubeApiError);
  });
});
