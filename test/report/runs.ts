import type { CheckOutcome, DrillEvent, DrillEventBody, DrillOutline, Phase, StepStatus } from '../../src/engine/events.js';

/** Hand-built event sequences, as the engine emits them, for the reporters' tables. */
export class Run {
  readonly events: DrillEvent[] = [];
  ms = 0;

  emit(body: DrillEventBody, advanceMs = 10): this {
    this.ms += advanceMs;
    this.events.push({ ...body, t: new Date(Date.UTC(2025, 0, 2, 3, 4, 5) + this.ms).toISOString(), ms: this.ms, seq: this.events.length } as DrillEvent);
    return this;
  }

  start(outline?: DrillOutline, params: Record<string, string> = { node: 'control-plane3' }): this {
    this.emit({ type: 'drill.start', drill: { name: 'cp-node-loss', title: 'Lose 1 of 3 control-plane nodes', file: '/repo/drills/etcd/cp-node-loss.yaml' }, runId: 'r1', runDir: '/tmp/r1', params, dryRun: false, outline }, 0);
    this.emit({ type: 'phase.start', phase: 'lab' });
    return this.emit({ type: 'lab.up', provider: 'etcd', name: 'lab1', created: true, nodes: ['lab1-control-plane', 'lab1-control-plane2', 'lab1-control-plane3'] }, 500);
  }

  phase(phase: Phase): this {
    return this.emit({ type: 'phase.start', phase });
  }

  check(phase: Phase, step: string | undefined, c: Partial<CheckOutcome> & { check: string; ok: boolean }): this {
    return this.emit({ type: 'check.end', phase, step, message: c.ok ? 'holds' : 'does not hold', attempts: 1, durationMs: 5, source: 'expect', ...c });
  }

  stepStart(phase: Phase, index: number, name: string, action = 'exec', line = 10 + index): this {
    return this.emit({ type: 'step.start', phase, index, name, action, line, explain: `why ${name}` });
  }

  stepEnd(phase: Phase, index: number, name: string, status: StepStatus, durationMs = 1200, extra: { error?: string; output?: string } = {}, line = 10 + index): this {
    return this.emit({ type: 'step.end', phase, index, name, status, durationMs, line, ...extra }, durationMs);
  }

  /** A step that passes, with one passing expectation. */
  passStep(phase: Phase, index: number, name: string): this {
    return this.stepStart(phase, index, name).check(phase, name, { check: 'command', ok: true, message: 'exit 0' }).stepEnd(phase, index, name, 'passed');
  }

  end(status: 'passed' | 'failed' | 'interrupted' | 'invalidated' | 'error', reason?: string, restoreNotRun?: string[]): DrillEvent[] {
    this.emit({ type: 'lab.down', provider: 'etcd', name: 'lab1', removed: true, reason: 'created by this run' });
    const exitCode = { passed: 0, failed: 1, interrupted: 130, invalidated: 3, error: 3 }[status];
    this.emit({ type: 'drill.end', status, exitCode, durationMs: this.ms + 5, reason, restoreNotRun });
    return this.events;
  }
}

export const outline: DrillOutline = {
  steps: [{ name: 'stop a node', action: 'node.stop', line: 20 }, { name: 'write a key', action: 'etcd.put', line: 30 }],
  restore: [{ name: 'start the node', action: 'node.start', line: 40 }, { name: 'undo two', action: 'exec', line: 45 }],
};

export function passedRun(): DrillEvent[] {
  const r = new Run().start(outline).phase('steady').check('steady', undefined, { check: 'etcd.quorum', ok: true, source: 'invariant' }).phase('steps');
  r.stepStart('steps', 0, 'stop a node', 'node.stop', 20)
    .emit({ type: 'measure', step: 'stop a node', name: 'stop.duration', value: 812, unit: 'ms' })
    .check('steps', 'stop a node', { check: 'etcd.quorum', ok: true, message: '2 of 3 members healthy, quorum is 2: holds' })
    .stepEnd('steps', 0, 'stop a node', 'passed', 1200, {}, 20);
  r.passStep('steps', 1, 'write a key').phase('restore').passStep('restore', 0, 'start the node').passStep('restore', 1, 'undo two');
  r.phase('final').check('final', undefined, { check: 'etcd.quorum', ok: true, source: 'invariant' });
  r.emit({ type: 'measure', name: 'kdrill.cpu', value: 42, unit: 'ms' });
  return r.end('passed');
}

export function failedExpectationRun(): DrillEvent[] {
  const r = new Run().start(outline).phase('steps');
  r.stepStart('steps', 0, 'stop a node', 'node.stop', 20)
    .check('steps', 'stop a node', { check: 'etcd.quorum', ok: false, message: '1 of 3 members healthy, quorum is 2: lost (4 attempts in 400ms)', expected: 'healthy >= 2', observed: 'healthy = 1' })
    .stepEnd('steps', 0, 'stop a node', 'failed', 900, { error: 'etcd.quorum: 1 of 3 members healthy, quorum is 2: lost (4 attempts in 400ms)' }, 20);
  r.phase('restore').passStep('restore', 0, 'start the node').passStep('restore', 1, 'undo two');
  return r.end('failed', 'step "stop a node": etcd.quorum: 1 of 3 members healthy, quorum is 2: lost');
}

export function timeoutRun(): DrillEvent[] {
  const r = new Run().start(outline).phase('steps');
  r.stepStart('steps', 0, 'stop a node', 'node.stop', 20).stepEnd('steps', 0, 'stop a node', 'timeout', 500, { error: 'timed out after 500ms' }, 20);
  r.phase('restore').passStep('restore', 0, 'start the node').passStep('restore', 1, 'undo two');
  return r.end('failed', 'step "stop a node" timed out: timed out after 500ms');
}

/** First Ctrl-C during a step; second during the first restore step: "undo two" never ran. */
export function interruptedRun(): DrillEvent[] {
  const r = new Run().start(outline).phase('steps');
  r.stepStart('steps', 0, 'stop a node', 'node.stop', 20).emit({ type: 'interrupt', signal: 'SIGINT', count: 1 }, 300);
  r.stepEnd('steps', 0, 'stop a node', 'interrupted', 310, { error: 'interrupted' }, 20);
  r.phase('restore').stepStart('restore', 0, 'start the node', 'node.start', 40).emit({ type: 'interrupt', signal: 'SIGINT', count: 2 }, 200);
  r.emit({ type: 'drill.end', status: 'interrupted', exitCode: 130, durationMs: r.ms, reason: 'second SIGINT: exited before the restore finished', restoreNotRun: ['start the node', 'undo two'] });
  return r.events;
}

/** A write probe every 100ms; writes fail from 1.0s to 3.5s (inside "stop a node") and 5.0–5.3s. */
export function probeRun(budgetMs = 2000): DrillEvent[] {
  const r = new Run().start(outline).phase('steps');
  const failing = (ms: number) => (ms >= 1000 && ms < 3500) || (ms >= 5000 && ms < 5300);
  let sampleMs = 600;
  const samplesUntil = (until: number) => {
    for (; sampleMs < until; sampleMs += 100) {
      const ok = !failing(sampleMs);
      r.emit({ type: 'probe.sample', probe: 'etcd.writes', ok, latencyMs: 4, error: ok ? undefined : 'etcdserver: request timed out' }, sampleMs + 4 - r.ms);
    }
  };
  r.stepStart('steps', 0, 'stop a node', 'node.stop', 20);
  samplesUntil(4000);
  r.stepEnd('steps', 0, 'stop a node', 'passed', 1, {}, 20);
  r.stepStart('steps', 1, 'write a key', 'etcd.put', 30);
  samplesUntil(6000);
  r.stepEnd('steps', 1, 'write a key', 'passed', 1, {}, 30);
  r.phase('restore').passStep('restore', 0, 'start the node').passStep('restore', 1, 'undo two');
  const windows = [{ startMs: 1000, endMs: 3500 }, { startMs: 5000, endMs: 5300 }];
  const over = budgetMs < 2500;
  r.emit({
    type: 'probe.summary', probe: 'etcd.writes', ok: !over,
    message: `etcd writes: 2 unavailable window(s), longest 2500 ms, total 2800 ms${over ? `: over the budget of ${budgetMs} ms` : ''}`,
    windows, perStep: [{ step: 'stop a node', longestMs: 2500, totalMs: 2500 }, { step: 'write a key', longestMs: 300, totalMs: 300 }], budgetMs,
  });
  return r.end(over ? 'failed' : 'passed', over ? `etcd.writes: over the budget of ${budgetMs} ms` : undefined);
}
