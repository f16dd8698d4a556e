import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as delay } from 'node:timers/promises';
import { probes } from '../../../src/probes/registry.js';
import { perStep, stepSpans, unavailableWindows, writesVerdict } from '../../../src/probes/k8s/windows.js';
import { startFakeApiServer, type FakeApiServer } from '../../fakes/fake-api-server.js';
import { contextFor, fakeKubeLab } from '../../fakes/kube-lab.js';

describe('write-availability windows (pure)', () => {
  const s = (ms: number, ok: boolean) => ({ ms, ok });
  it.each([
    [[s(0, true), s(100, true)], []],
    [[s(0, true), s(100, false), s(200, false), s(300, true)], [{ startMs: 100, endMs: 300 }]],
    [[s(0, false), s(100, true), s(200, false)], [{ startMs: 0, endMs: 100 }, { startMs: 200, endMs: 200 }]],
    [[s(300, true), s(100, false), s(200, false)], [{ startMs: 100, endMs: 300 }]],
  ])('%j → %j', (samples, windows) => expect(unavailableWindows(samples)).toEqual(windows));

  it('splits windows over the steps they overlap', () => {
    const steps = [{ step: 'stop control-plane3', startMs: 0, endMs: 1000 }, { step: 'scale', startMs: 1000, endMs: 2000 }];
    expect(perStep([{ startMs: 500, endMs: 1200 }, { startMs: 1500, endMs: 1600 }], steps)).toEqual([
      { step: 'stop control-plane3', longestMs: 500, totalMs: 500 },
      { step: 'scale', longestMs: 200, totalMs: 300 },
    ]);
  });

  it('judges against the budget', () => {
    const samples = [s(0, true), s(100, false), s(2100, true)];
    const w = unavailableWindows(samples);
    expect(writesVerdict('API writes', samples, w, 3000)).toMatchObject({ ok: true, message: 'API writes: 2 of 3 writes succeeded; 1 unavailable window(s), longest 2000 ms, total 2000 ms: within the budget of 3000 ms' });
    expect(writesVerdict('API writes', samples, w, 1000)).toMatchObject({ ok: false, observed: '2000 ms' });
    expect(writesVerdict('API writes', [], [], 1000).ok).toBe(false);
  });

  it('step spans come from step.start / step.end events; an open step runs to now', () => {
    const ev = [{ type: 'step.start', ms: 10, name: 'a' }, { type: 'step.end', ms: 20, name: 'a' }, { type: 'step.start', ms: 30, name: 'b' }];
    expect(stepSpans(ev, 99)).toEqual([{ step: 'a', startMs: 10, endMs: 20 }, { step: 'b', startMs: 30, endMs: 99 }]);
  });
});

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
    expect(v.message).toMatch(/over the budget of 100 ms/);
  });
});
