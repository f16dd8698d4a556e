import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as delay } from 'node:timers/promises';
import { probes } from '../../../src/probes/registry.js';
import { startFakeApiServer, type FakeApiServer } from '../../fakes/fake-api-server.js';
import { contextFor, fakeKubeLab } from '../../fakes/kube-lab.js';

// The window arithmetic is shared with etcd.writes and tested in test/probes/windows.test.ts.

describe('k8s.writes probe against the fake API server (test double)', () => {
  let api: FakeApiServer;
  beforeAll(async () => { api = await startFakeApiServer(); });
  afterAll(() => api.close());

  it('samples writes, sees an outage as a window, cleans its ConfigMap up', async () => {
    const { ctx, events } = contextFor(fakeKubeLab(api.kubeconfig));
    const mod = probes['k8s.writes']!;
    const running = await mod.start(ctx, mod.params.parse({ interval: '50ms', timeout: '200ms', maxUnavailable: '5s' }));
    await delay(250);
    api.state.writes = 'error';
    await delay(300);
    api.state.writes = 'ok';
    await delay(250);
    const verdict = await running.stop();
    expect(verdict.ok, verdict.message).toBe(true);
    const samples = events.events.filter((e) => e.type === 'probe.sample');
    expect(samples.some((e) => e.type === 'probe.sample' && !e.ok)).toBe(true);
    expect(samples.filter((e) => e.type === 'probe.sample' && e.ok).length).toBeGreaterThan(4);
    const summary = events.events.find((e) => e.type === 'probe.summary');
    expect(summary).toMatchObject({ probe: 'k8s.writes', ok: true, budgetMs: 5000 });
    expect(summary?.type === 'probe.summary' && summary.windows.length).toBe(1);
    expect(api.state.configMaps.size).toBe(0);
  });

  it('fails the drill when the outage is longer than the budget', async () => {
    const { ctx } = contextFor(fakeKubeLab(api.kubeconfig));
    const mod = probes['k8s.writes']!;
    const running = await mod.start(ctx, mod.params.parse({ interval: '50ms', timeout: '100ms', maxUnavailable: '100ms' }));
    await delay(100);
    api.state.writes = 'hang';
    await delay(500);
    api.state.writes = 'ok';
    await delay(200);
    const v = await running.stop();
    expect(v.ok).toBe(false);
    expect(v.message).toMatch(/longest write gap .*budget 100ms: exceeded/);
  });

  it('abort: true breaches at once, a budget after the first failed write, and only once', async () => {
    const { ctx, events } = contextFor(fakeKubeLab(api.kubeconfig));
    const mod = probes['k8s.writes']!;
    const breaches: Array<{ ms: number; message: string }> = [];
    const running = await mod.start(ctx, mod.params.parse({ interval: '50ms', timeout: '100ms', maxUnavailable: '300ms', abort: true }), {
      breach: (v) => breaches.push({ ms: events.now(), message: v.message }),
    });
    await delay(150);
    api.state.writes = 'error';
    await delay(700);
    api.state.writes = 'ok';
    await delay(150);
    await running.stop();
    expect(breaches).toHaveLength(1);
    const firstFail = events.events.find((e) => e.type === 'probe.sample' && !e.ok)!;
    const began = firstFail.ms - (firstFail.type === 'probe.sample' ? firstFail.latencyMs : 0);
    expect(breaches[0]!.ms - began).toBeGreaterThanOrEqual(295);
    expect(breaches[0]!.ms - began).toBeLessThan(450);
    expect(breaches[0]!.message).toMatch(/^writes unavailable for \d+ms and counting: over the budget of 300ms \(abort: true\)$/);
  });
});
