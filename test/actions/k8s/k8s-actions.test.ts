import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actions } from '../../../src/actions/registry.js';
import type { PlanContext } from '../../../src/engine/types.js';
import { applyArgs } from '../../../src/actions/k8s/kubectl-apply.js';
import { deleteArgs } from '../../../src/actions/k8s/kubectl-delete.js';
import { execArgs } from '../../../src/actions/k8s/exec.js';
import { rolloutProgress } from '../../../src/actions/k8s/rollout.js';
import { kindPsqlArgv } from '../../../src/labs/kind/sql.js';
import { fakeDeployment, startFakeApiServer, type FakeApiServer } from '../../fakes/fake-api-server.js';
import { contextFor, fakeKubeLab } from '../../fakes/kube-lab.js';

const parse = (name: string, p: object) => actions[name]!.params.parse(p);

describe('kubectl command lines (pure, argv)', () => {
  it.each([
    [{ path: '/m/bookstore' }, ['apply', '-f', '/m/bookstore']],
    [{ path: '/m/x.yaml', namespace: 'bookstore', recursive: true }, ['apply', '-n', 'bookstore', '-f', '/m/x.yaml', '-R']],
  ])('apply %j', (p, argv) => expect(applyArgs(parse('kubectl.apply', p))).toEqual(argv));

  it.each([
    [{ path: '/m/bookstore' }, ['delete', '-f', '/m/bookstore', '--ignore-not-found=true', '--wait=true']],
    [{ path: '/m', namespace: 'b', wait: false }, ['delete', '-n', 'b', '-f', '/m', '--ignore-not-found=true', '--wait=false']],
  ])('delete %j', (p, argv) => expect(deleteArgs(parse('kubectl.delete', p))).toEqual(argv));

  it.each([
    [{ pod: 'bookstore/postgres-0', command: ['pg_isready'] }, ['exec', '-n', 'bookstore', 'postgres-0', '--', 'pg_isready']],
    [{ pod: 'kube-system/etcd-x', container: 'etcd', command: ['etcdctl', 'member', 'list'] }, ['exec', '-n', 'kube-system', 'etcd-x', '-c', 'etcd', '--', 'etcdctl', 'member', 'list']],
  ])('exec %j', (p, argv) => expect(execArgs(parse('k8s.exec', p) as never)).toEqual(argv));

  it('k8s.exec wants namespace/pod and an argv, never a shell string', () => {
    expect(actions['k8s.exec']!.params.safeParse({ pod: 'postgres-0', command: ['true'] }).success).toBe(false);
    expect(actions['k8s.exec']!.params.safeParse({ pod: 'a/b', command: 'psql -c x' }).success).toBe(false);
  });

  it.each([
    [{ sql: 'SELECT 1' } as const, ['kubectl', '--kubeconfig', '/k', 'exec', '-n', 'bookstore', 'postgres-0', '--', 'psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-U', 'bookstore', '-d', 'bookstore', '-c', 'SELECT 1']],
    [{ sql: "INSERT INTO t VALUES ('a b')", pod: 'shop/db-1', user: 'u', database: 'd' }, ['kubectl', '--kubeconfig', '/k', 'exec', '-n', 'shop', 'db-1', '--', 'psql', '-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-U', 'u', '-d', 'd', '-c', "INSERT INTO t VALUES ('a b')"]],
  ])('psql in a pod on kind %j', (t, argv) => expect(kindPsqlArgv('/k', t.sql, t as { pod?: string })).toEqual(argv));

  it('plans print the exact kubectl line with the lab’s kubeconfig', () => {
    const pctx: PlanContext = { lab: fakeKubeLab('/state/kubeconfig'), drillDir: '.', runDir: '.' };
    expect(actions['kubectl.apply']!.plan(parse('kubectl.apply', { path: '/m/bookstore' }), pctx)).toEqual(['kubectl --kubeconfig /state/kubeconfig apply -f /m/bookstore']);
    expect(actions['k8s.scale']!.plan(parse('k8s.scale', { namespace: 'bookstore', deployment: 'catalog', replicas: 3 }), pctx)).toEqual([
      'PUT /apis/apps/v1/namespaces/bookstore/deployments/catalog/scale spec.replicas=3  # kubectl scale deployment/catalog -n bookstore --replicas=3',
    ]);
  });
});

describe('rollout progress (pure: what kubectl rollout status waits for)', () => {
  const d = (o: Partial<Record<'replicas' | 'updated' | 'available' | 'generation' | 'observedGeneration', number>>) => ({ namespace: 'b', name: 'catalog', replicas: 3, ready: 3, updated: 3, available: 3, generation: 2, observedGeneration: 2, ...o });
  it.each([
    [d({}), true, 'deployment "catalog" successfully rolled out (3/3 available)'],
    [d({ observedGeneration: 1 }), false, 'deployment "catalog": waiting for the controller to see the new spec'],
    [d({ updated: 1 }), false, 'deployment "catalog": 1 of 3 replicas updated'],
    [d({ available: 2 }), false, 'deployment "catalog": 2 of 3 updated replicas available'],
  ])('%j', (dep, done, message) => expect(rolloutProgress(dep)).toEqual({ done, message }));
});

describe('k8s.scale and k8s.rollout against the fake API server (test double)', () => {
  let api: FakeApiServer;
  beforeAll(async () => {
    api = await startFakeApiServer({ deployments: [fakeDeployment('bookstore', 'catalog', 1)], rolloutAfterGets: 3 });
  });
  afterAll(() => api.close());

  it('scales through the scale subresource, then waits for the rollout', async () => {
    const { ctx } = contextFor(fakeKubeLab(api.kubeconfig));
    await actions['k8s.scale']!.run(ctx, parse('k8s.scale', { namespace: 'bookstore', deployment: 'catalog', replicas: 3 }));
    expect(api.state.deployments[0]!.spec.replicas).toBe(3);
    const r = await actions['k8s.rollout']!.run(ctx, parse('k8s.rollout', { namespace: 'bookstore', deployment: 'catalog', timeout: '10s', interval: '50ms' }));
    expect(r).toEqual({ output: 'deployment "catalog" successfully rolled out (3/3 available)' });
    expect(api.state.requests.filter((x) => x === 'GET /apis/apps/v1/namespaces/bookstore/deployments/catalog').length).toBe(3);
  });

  it('a rollout that does not finish fails with where it stood', async () => {
    const { ctx } = contextFor(fakeKubeLab(api.kubeconfig));
    api.state.rolloutAfterGets = 1_000;
    await actions['k8s.scale']!.run(ctx, parse('k8s.scale', { namespace: 'bookstore', deployment: 'catalog', replicas: 5 }));
    await expect(actions['k8s.rollout']!.run(ctx, parse('k8s.rollout', { namespace: 'bookstore', deployment: 'catalog', timeout: '300ms', interval: '50ms' })))
      .rejects.toThrow(/rollout not finished after 300ms: deployment "catalog": waiting for the controller/);
  });

  it('a scale the API server refuses fails the step with the server’s words', async () => {
    const { ctx } = contextFor(fakeKubeLab(api.kubeconfig));
    api.state.writes = 'error';
    try {
      await expect(actions['k8s.scale']!.run(ctx, parse('k8s.scale', { namespace: 'bookstore', deployment: 'catalog', replicas: 2 }))).rejects.toThrow(/HTTP 500 etcdserver: request timed out/);
    } finally {
      api.state.writes = 'ok';
    }
  });

  it('scale needs exactly one of deployment or statefulset', () => {
    expect(actions['k8s.scale']!.params.safeParse({ namespace: 'b', replicas: 1 }).success).toBe(false);
    expect(actions['k8s.scale']!.params.safeParse({ namespace: 'b', deployment: 'a', statefulset: 'b', replicas: 1 }).success).toBe(false);
  });
});
