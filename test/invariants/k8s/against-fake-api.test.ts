import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invariants } from '../../../src/invariants/registry.js';
import type { PlanContext } from '../../../src/engine/types.js';
import { fakeDeployment, fakeLease, fakeNode, fakePod, startFakeApiServer, type FakeApiServer } from '../../fakes/fake-api-server.js';
import { contextFor, fakeKubeLab } from '../../fakes/kube-lab.js';

const check = (name: string, params: Record<string, unknown>, ctx: ReturnType<typeof contextFor>['ctx']) =>
  invariants[name]!.check(ctx, invariants[name]!.params.parse(params));

describe('k8s invariants against the fake API server (test double)', () => {
  let api: FakeApiServer;
  let ctx: ReturnType<typeof contextFor>['ctx'];
  beforeAll(async () => {
    api = await startFakeApiServer({
      namespaces: new Set(['default', 'kube-system', 'bookstore']),
      nodes: ['control-plane', 'control-plane2', 'control-plane3', 'worker', 'worker2'].map((n) => fakeNode(`bookstore-ha-${n}`, true, n.startsWith('control'))),
      pods: [fakePod('bookstore', 'postgres-0'), fakePod('bookstore', 'storefront-1')],
      deployments: [fakeDeployment('bookstore', 'storefront', 2)],
    });
    api.state.leases.set('kube-system/kube-scheduler', fakeLease('kube-system', 'kube-scheduler', 'bookstore-ha-control-plane3_aa'));
    ctx = contextFor(fakeKubeLab(api.kubeconfig)).ctx;
  });
  afterAll(() => api.close());

  it('k8s.apiWritable creates and deletes a ConfigMap, leaving nothing behind', async () => {
    const v = await check('k8s.apiWritable', {}, ctx);
    expect(v).toMatchObject({ ok: true });
    expect(api.state.requests.filter((r) => r.includes('configmaps')).map((r) => r.split(' ')[0])).toEqual(['POST', 'DELETE']);
    expect(api.state.configMaps.size).toBe(0);
  });

  it('k8s.apiWritable: an API server that errors on writes fails it; writable: false then holds', async () => {
    api.state.writes = 'error';
    try {
      const v = await check('k8s.apiWritable', { deadline: '1s' }, ctx);
      expect(v.ok).toBe(false);
      expect(v.message).toMatch(/etcdserver: request timed out/);
      expect(await check('k8s.apiWritable', { deadline: '1s', writable: false }, ctx)).toMatchObject({ ok: true });
    } finally {
      api.state.writes = 'ok';
    }
  });

  it('k8s.apiWritable: a hanging write is judged at the deadline', async () => {
    api.state.writes = 'hang';
    const started = Date.now();
    try {
      expect(await check('k8s.apiWritable', { deadline: '300ms', writable: false }, ctx)).toMatchObject({ ok: true });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      api.state.writes = 'ok';
    }
  });

  it('k8s.apiReadable, k8s.available, k8s.podsRunning, k8s.nodesReady hold on a healthy double', async () => {
    for (const [name, p] of [['k8s.apiReadable', {}], ['k8s.available', { namespace: 'bookstore' }], ['k8s.podsRunning', { namespace: 'bookstore', min: 2 }], ['k8s.nodesReady', {}]] as const) {
      const v = await check(name, p, ctx);
      expect(v.ok, `${name}: ${v.message}`).toBe(true);
    }
  });

  it('k8s.nodesReady with notReady: control-plane3 maps to the kind node name', async () => {
    api.state.nodes[2] = fakeNode('bookstore-ha-control-plane3', false, true);
    try {
      expect(await check('k8s.nodesReady', { notReady: ['control-plane3'] }, ctx)).toMatchObject({ ok: true, message: '4 of 5 nodes Ready (NotReady: bookstore-ha-control-plane3)' });
      expect((await check('k8s.nodesReady', {}, ctx)).ok).toBe(false);
    } finally {
      api.state.nodes[2] = fakeNode('bookstore-ha-control-plane3', true, true);
    }
  });

  it('k8s.leaseHolder names the holder in the drill’s words and sees a failover', async () => {
    expect(await check('k8s.leaseHolder', {}, ctx)).toMatchObject({ ok: true, message: 'Lease kube-scheduler held on control-plane3: exactly one active' });
    expect((await check('k8s.leaseHolder', { notOn: 'control-plane3' }, ctx)).ok).toBe(false);
    api.state.leases.set('kube-system/kube-scheduler', fakeLease('kube-system', 'kube-scheduler', 'bookstore-ha-control-plane_bb'));
    expect(await check('k8s.leaseHolder', { notOn: 'control-plane3', changed: true }, ctx)).toMatchObject({ ok: true });
  });

  it('plan() names the REST calls', () => {
    const pctx: PlanContext = { lab: fakeKubeLab(api.kubeconfig), drillDir: '.', runDir: '.' };
    const plan = (name: string, p: object) => invariants[name]!.plan(invariants[name]!.params.parse(p), pctx);
    expect(plan('k8s.leaseHolder', {})).toEqual(['GET /apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler  # spec.holderIdentity (kubectl -n kube-system get lease kube-scheduler)']);
    expect(plan('k8s.apiWritable', {})).toEqual(['POST /api/v1/namespaces/default/configmaps kdrill-write-<random>, then DELETE it, each within 5s']);
  });
});
