import { describe, expect, it } from 'vitest';
import type { DrillEvent } from '../../src/engine/events.js';
import { summarize } from '../../src/report/summarize.js';
import { failedExpectationRun, interruptedRun, outline, passedRun, probeRun, Run, timeoutRun } from './runs.js';

const shape = (events: DrillEvent[]) => {
  const r = summarize(events);
  return {
    status: r.status,
    exitCode: r.exitCode,
    steps: r.steps.map((s) => `${s.phase}:${s.name}:${s.status}`),
    failures: r.failures.map((f) => f.kind),
    restoreNotRun: r.restoreNotRun,
  };
};

describe('summarize: a run from its events', () => {
  it.each([
    ['passed run', passedRun, {
      status: 'passed', exitCode: 0, failures: [], restoreNotRun: [],
      steps: ['steady:steady state:passed', 'steps:stop a node:passed', 'steps:write a key:passed', 'restore:start the node:passed', 'restore:undo two:passed', 'final:steady state after the restore:passed'],
    }],
    ['failed expectation', failedExpectationRun, {
      status: 'failed', exitCode: 1, failures: ['step'], restoreNotRun: [],
      steps: ['steps:stop a node:failed', 'steps:write a key:not run', 'restore:start the node:passed', 'restore:undo two:passed'],
    }],
    ['step timeout', timeoutRun, {
      status: 'failed', exitCode: 1, failures: ['step'], restoreNotRun: [],
      steps: ['steps:stop a node:timeout', 'steps:write a key:not run', 'restore:start the node:passed', 'restore:undo two:passed'],
    }],
    ['interrupted, restore not run', interruptedRun, {
      status: 'interrupted', exitCode: 130, failures: ['interrupted'], restoreNotRun: ['start the node', 'undo two'],
      steps: ['steps:stop a node:interrupted', 'steps:write a key:not run', 'restore:start the node:interrupted', 'restore:undo two:not run'],
    }],
    ['probe over its budget', () => probeRun(2000), {
      status: 'failed', exitCode: 1, failures: ['probe'], restoreNotRun: [],
      steps: ['steps:stop a node:passed', 'steps:write a key:passed', 'restore:start the node:passed', 'restore:undo two:passed'],
    }],
  ])('%s', (_, events, expected) => {
    expect(shape(events())).toEqual(expected);
  });

  it('keeps the drill, lab, params, and each step\'s line, explain, checks and measures', () => {
    const r = summarize(passedRun());
    expect(r.drill).toEqual({ name: 'cp-node-loss', title: 'Lose 1 of 3 control-plane nodes', file: '/repo/drills/etcd/cp-node-loss.yaml' });
    expect(r.params).toEqual({ node: 'control-plane3' });
    expect(r.lab).toMatchObject({ provider: 'etcd', name: 'lab1', created: true, removed: true });
    expect(r.startedAt).toBe('2025-01-02T03:04:05.000Z');
    const stop = r.steps.find((s) => s.name === 'stop a node')!;
    expect(stop).toMatchObject({ line: 20, action: 'node.stop', explain: 'why stop a node', durationMs: 1200 });
    expect(stop.checks.map((c) => [c.check, c.ok, c.message])).toEqual([['etcd.quorum', true, '2 of 3 members healthy, quorum is 2: holds']]);
    expect(stop.measures).toEqual([{ step: 'stop a node', name: 'stop.duration', value: 812, unit: 'ms' }]);
    expect(r.measures.map((m) => m.name)).toEqual(['stop.duration', 'kdrill.cpu']);
    // The steady-state checks belong to their phase, not to a step.
    expect(r.steps[0]!.checks.map((c) => c.source)).toEqual(['invariant']);
  });

  it('a failed expectation keeps expected and observed', () => {
    expect(summarize(failedExpectationRun()).failures[0]).toMatchObject({
      kind: 'step', step: 'stop a node', line: 20, check: 'etcd.quorum', expected: 'healthy >= 2', observed: 'healthy = 1',
    });
  });

  it('a timeout is a failure with the step\'s error', () => {
    expect(summarize(timeoutRun()).failures[0]).toMatchObject({ kind: 'step', message: 'timed out after 500ms' });
  });

  it('steady state not met, lab invalidated', () => {
    const r = new Run().start(outline).phase('steady').check('steady', undefined, { check: 'etcd.quorum', ok: false, expected: '3 healthy', observed: '2 healthy', source: 'invariant' });
    r.emit({ type: 'lab.error', message: 'control-plane3 came back with another IP', invalidated: true });
    const s = summarize(r.end('invalidated', 'lab invalidated'));
    expect(s.failures.map((f) => [f.kind, f.expected])).toEqual([['steady-state', '3 healthy'], ['lab', undefined]]);
    expect(s.failures[0]!.message).toMatch(/^steady state not met before the first step: etcd.quorum/);
    expect(s.lab?.invalidated).toBe(true);
    expect(s.steps.map((x) => x.status)).toEqual(['failed', 'not run', 'not run', 'not run', 'not run']);
  });

  it('a journal cut short (kill -9) is incomplete, the running step interrupted, the restore not run', () => {
    const events = passedRun().slice(0, 8); // ends inside "stop a node"
    const r = summarize(events);
    expect(r.status).toBe('incomplete');
    expect(r.steps.find((s) => s.name === 'stop a node')?.status).toBe('interrupted');
    expect(r.restoreNotRun).toEqual(['start the node', 'undo two']);
    expect(r.failures.at(-1)?.kind).toBe('interrupted');
  });

  it('probes: samples, windows and per-step figures, from the summary', () => {
    const p = summarize(probeRun(2000)).probes[0]!;
    expect(p).toMatchObject({ probe: 'etcd.writes', ok: false, budgetMs: 2000, longestMs: 2500, totalMs: 2800, attempts: 54 });
    expect(p.failures).toBe(28);
    expect(p.windows).toHaveLength(2);
    expect(summarize(probeRun(2000)).failures[0]).toMatchObject({ kind: 'probe', observed: expect.stringContaining('2.5s') });
  });

  it('probes without a summary (killed run): windows worked out from the samples', () => {
    const events = probeRun().filter((e) => e.type !== 'probe.summary');
    const p = summarize(events).probes[0]!;
    expect(p.ok).toBeUndefined();
    expect(p.windows).toEqual([{ startMs: 1000, endMs: 3500 }, { startMs: 5000, endMs: 5300 }]);
    expect(p.perStep.find((s) => s.step === 'stop a node')).toEqual({ step: 'stop a node', longestMs: 2500, totalMs: 2500 });
  });

  it('without an outline, steps that never started are not invented', () => {
    const events = failedExpectationRun().map((e) => (e.type === 'drill.start' ? { ...e, outline: undefined } : e));
    expect(summarize(events).steps.map((s) => s.name)).toEqual(['stop a node', 'start the node', 'undo two']);
  });
});
