import { describe, expect, it } from 'vitest';
import { apiWritableVerdict } from '../../../src/invariants/k8s/api-writable.js';
import { apiReadableVerdict } from '../../../src/invariants/k8s/api-readable.js';
import { availableVerdict } from '../../../src/invariants/k8s/available.js';
import { nodesReadyVerdict } from '../../../src/invariants/k8s/nodes-ready.js';
import { podsRunningVerdict } from '../../../src/invariants/k8s/pods-running.js';
import { holderNode, leaseHolderVerdict } from '../../../src/invariants/k8s/lease-holder.js';

const dep = (name: string, replicas: number, available: number) => ({ namespace: 'bookstore', name, replicas, available, ready: available, updated: replicas, generation: 1, observedGeneration: 1 });

describe('k8s verdicts (pure, in the operator’s words)', () => {
  it.each([
    [{ writable: true, deadline: '5s' }, { written: true, deleted: true, ms: 42 }, true, /accepted a write .* in 42 ms: writes succeed/],
    [{ writable: true, deadline: '5s' }, { written: false, deleted: false, ms: 5000, error: 'no answer within 5000 ms' }, false, /did not accept a write within 5s: no answer/],
    [{ writable: true, deadline: '5s' }, { written: true, deleted: false, ms: 30 }, false, /did not accept/],
    [{ writable: false, deadline: '5s' }, { written: false, deleted: false, ms: 5000, error: 'x' }, true, /refused the write .* without etcd quorum/],
    [{ writable: false, deadline: '5s' }, { written: true, deleted: true, ms: 12 }, false, /accepted a write although it should refuse/],
  ])('apiWritable %j %j', (p, a, ok, msg) => {
    const v = apiWritableVerdict(p, a);
    expect(v.ok).toBe(ok);
    expect(v.message).toMatch(msg);
    if (!ok) expect(v.expected).toBeTruthy();
  });

  it.each([
    [{ ok: true, ms: 3 }, true, 'the API server answered a read (GET namespace kube-system) in 3 ms'],
    [{ ok: false, ms: 5000, error: 'no answer within 5000 ms' }, false, 'the API server did not answer a read within 5s: no answer within 5000 ms'],
  ])('apiReadable %j', (r, ok, msg) => {
    expect(apiReadableVerdict({ namespace: 'kube-system', deadline: '5s' }, r)).toMatchObject({ ok, message: msg });
  });

  it.each([
    [{ namespace: 'bookstore' }, [dep('catalog', 3, 3), dep('storefront', 1, 1)], true, '2 of 2 Deployments in bookstore available (catalog 3/3, storefront 1/1)'],
    [{ namespace: 'bookstore' }, [dep('catalog', 3, 2), dep('storefront', 1, 1)], false, '1 of 2 Deployments in bookstore available: catalog 2/3 available'],
    [{ namespace: 'bookstore', deployments: ['orders'] }, [dep('catalog', 1, 1)], false, '0 of 1 Deployments in bookstore available: orders missing'],
    [{ namespace: 'bookstore' }, [], false, 'no Deployments in namespace bookstore'],
  ])('available %j', (p, list, ok, msg) => {
    expect(availableVerdict(p, list)).toMatchObject({ ok, message: msg });
  });

  const n = (name: string, ready: boolean) => ({ name, ready, controlPlane: false });
  it.each([
    [{}, [n('a', true), n('b', true)], true, '2 of 2 nodes Ready'],
    [{}, [n('a', true), n('b', false)], false, '1 of 2 nodes Ready; NotReady: b'],
    [{ min: 1 }, [n('a', true), n('b', false)], true, '1 of 2 nodes Ready (NotReady: b)'],
    [{ notReady: ['b'] }, [n('a', true), n('b', false)], true, '1 of 2 nodes Ready (NotReady: b)'],
    [{ notReady: ['b'] }, [n('a', true), n('b', true)], false, /b still Ready although stopped/],
  ])('nodesReady %j', (p, nodes, ok, msg) => {
    const v = nodesReadyVerdict(p, nodes);
    expect(v.ok).toBe(ok);
    expect(v.message).toMatch(msg);
  });

  const pod = (name: string, phase: string, ready: boolean) => ({ namespace: 'bookstore', name, phase, ready });
  it.each([
    [[pod('postgres-0', 'Running', true), pod('migrate', 'Succeeded', false)], 1, true, '1 of 1 pods in bookstore Running and ready'],
    [[pod('postgres-0', 'Running', false)], 1, false, '0 of 1 pods in bookstore Running and ready: postgres-0 Running not ready'],
    [[pod('postgres-0', 'Pending', false)], 1, false, '0 of 1 pods in bookstore Running and ready: postgres-0 Pending'],
    [[pod('a', 'Running', true)], 2, false, '1 of 1 pods in bookstore Running and ready'],
  ])('podsRunning %j min %d', (pods, min, ok, msg) => {
    expect(podsRunningVerdict({ namespace: 'bookstore', min }, pods)).toMatchObject({ ok, message: msg });
  });

  it.each([
    ['bookstore-ha-control-plane2_5f3c-11', 'bookstore-ha-control-plane2'],
    ['plain', 'plain'],
    [undefined, undefined],
  ])('holderNode(%s)', (id, node) => expect(holderNode(id)).toBe(node));

  const L = 'kube-system/kube-scheduler';
  it.each([
    [{}, { identity: 'cp2_1', node: 'control-plane2', first: 'cp2_1' }, true, 'Lease kube-scheduler held on control-plane2: exactly one active'],
    [{}, { first: 'cp2_1' }, false, 'Lease kube-scheduler has no holder: no kube-scheduler is active'],
    [{ notOn: 'control-plane2' }, { identity: 'cp2_1', node: 'control-plane2', first: 'cp2_1' }, false, 'Lease kube-scheduler held on control-plane2, the node it must have left'],
    [{ notOn: 'control-plane2', changed: true }, { identity: 'cp_9', node: 'control-plane', first: 'cp2_1' }, true, 'Lease kube-scheduler held on control-plane (taken over from cp2): exactly one active'],
    [{ changed: true }, { identity: 'cp2_1', node: 'control-plane2', first: 'cp2_1' }, false, 'Lease kube-scheduler held on control-plane2: still the first holder, no failover yet'],
    [{ changed: false }, { identity: 'cp_9', node: 'control-plane', first: 'cp2_1' }, false, 'Lease kube-scheduler held on control-plane: the holder changed (was cp2_1)'],
    [{ holderOn: 'control-plane3' }, { identity: 'cp_9', node: 'control-plane', first: 'cp_9' }, false, 'Lease kube-scheduler held on control-plane, not on control-plane3'],
  ])('leaseHolder %j %j', (p, o, ok, msg) => {
    expect(leaseHolderVerdict({ lease: L, ...p }, o)).toMatchObject({ ok, message: msg });
  });
});
