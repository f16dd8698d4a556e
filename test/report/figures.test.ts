import { describe, expect, it } from 'vitest';
import type { DrillEvent } from '../../src/engine/events.js';
import { judgeBudgets } from '../../src/engine/budgets.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { summarize } from '../../src/report/summarize.js';
import { Run } from './runs.js';

// Hand-made journals, with the times the engine would write, and the figures read from them.
// Each `emit(…, advance)` moves the clock by `advance` ms before the event.

/** A fault step: the action runs 300 ms, then its expectation polls 1.5 s before it holds. */
function faultStep(r: Run, index: number, name: string, action: string, undoneBy: string[], expectOk = true): Run {
  r.emit({ type: 'step.start', phase: 'steps', index, name, action, line: 20 + index, undoneBy });
  r.emit({ type: 'check.end', phase: 'steps', step: name, check: 'etcd.quorum', ok: expectOk, message: '', attempts: 15, durationMs: 1500, source: 'expect' }, 1800);
  r.emit({ type: 'check.end', phase: 'steps', step: name, check: 'etcd.leader', ok: true, message: '', attempts: 1, durationMs: 20, source: 'invariant' }, 20);
  return r.emit({ type: 'step.end', phase: 'steps', index, name, status: expectOk ? 'passed' : 'failed', durationMs: 1830, line: 20 + index }, 10);
}

/** A step that undoes it: 2 s of action, 1 s until its expectations hold. */
function undoStep(r: Run, phase: 'steps' | 'restore', index: number, name: string, action: string, ok = true): Run {
  r.emit({ type: 'step.start', phase, index, name, action, line: 40 + index });
  r.emit({ type: 'check.end', phase, step: name, check: 'etcd.quorum', ok, message: '', attempts: 10, durationMs: 1000, source: 'expect' }, 3000);
  return r.emit({ type: 'step.end', phase, index, name, status: ok ? 'passed' : 'failed', durationMs: 3000, line: 40 + index }, 0);
}

function loseOneOfThree(): DrillEvent[] {
  const r = new Run().start().phase('steady').check('steady', undefined, { check: 'etcd.leader', ok: true, source: 'invariant' }).phase('steps');
  // the fault starts at 550 ms (lab up at 510, steady phase, its check, the steps phase: 10 ms each)
  faultStep(r, 0, 'kill a follower', 'node.kill', ['node.start']);
  r.emit({ type: 'measure', step: 'bring it back', name: 'rpo.keys', value: 0, unit: 'keys' }, 0);
  undoStep(r, 'steps', 1, 'bring it back', 'node.start');
  r.phase('restore');
  undoStep(r, 'restore', 0, 'the node is running', 'node.start');
  r.phase('final').check('final', undefined, { check: 'etcd.leader', ok: true, source: 'invariant' });
  r.emit({ type: 'probe.summary', probe: 'etcd.writes', ok: true, message: '', windows: [{ startMs: 100, endMs: 200 }, { startMs: 400, endMs: 1700 }, { startMs: 9000, endMs: 9300 }], perStep: [] });
  return r.end('passed');
}

describe('recovery figures from a journal', () => {
  it('detection, write gap, recovery and RPO of a fault undone in the steps', () => {
    const f = summarize(loseOneOfThree()).figures!;
    expect(f.faults).toEqual([{
      step: 'kill a follower', action: 'node.kill', line: 20,
      // action end = first check's end − its duration = 2350 − 1500 = 850; the expectation held at 2350
      detectionMs: 1500,
      // the fault ran from 550 ms to its recovery; the window 400–1700 overlaps it from 550 to 1700
      writeGapMs: 1150, writeGapProbe: 'etcd.writes',
      recoveredBy: 'bring it back', recoveryMs: 3000,
      rpoKeys: 0,
    }]);
    // over the run: the longest window of all (1300 ms, from before the fault)
    expect(f).toMatchObject({ detectionMs: 1500, writeGapMs: 1300, recoveryMs: 3000, rpoKeys: 0 });
    expect(f.rpoRevisions).toBeUndefined();
  });

  it.each([
    // [what, the fault's expectation holds, the undoing step's checks hold, detection, recovery]
    ['both hold', true, true, 1500, 3000],
    ['the fault is not detected', false, true, undefined, 3000],
    ['the recovery never reaches the steady state', true, false, 1500, undefined],
  ])('%s', (_what, detected, recovered, detectionMs, recoveryMs) => {
    const r = new Run().start().phase('steps');
    faultStep(r, 0, 'stop', 'node.stop', ['node.start'], detected);
    undoStep(r, 'steps', 1, 'start', 'node.start', recovered);
    const f = summarize(r.end('failed')).figures!;
    expect(f.faults[0]).toMatchObject({ recoveredBy: 'start' });
    expect(f.faults[0]!.detectionMs).toBe(detectionMs);
    expect(f.faults[0]!.recoveryMs).toBe(recoveryMs);
  });

  it('a fault undone only by the restore: recovery runs to the final steady state', () => {
    const r = new Run().start().phase('steps');
    faultStep(r, 0, 'pause', 'node.pause', ['node.unpause']);
    r.phase('restore');
    undoStep(r, 'restore', 0, 'unpause', 'node.unpause');
    r.phase('final').check('final', undefined, { check: 'etcd.leader', ok: true, source: 'invariant' });
    r.emit({ type: 'log', level: 'info', message: 'x' }, 500);
    const f = summarize(r.end('passed')).figures!;
    // from the restore step's start to the final steady-state check holding (not to the end of the run)
    expect(f.faults[0]).toMatchObject({ recoveredBy: 'unpause', recoveryMs: 3000 + 10 + 10 });
  });

  it('two faults of one kind pair with the undoing steps in order', () => {
    const r = new Run().start().phase('steps');
    faultStep(r, 0, 'kill a', 'node.kill', ['node.start']);
    faultStep(r, 1, 'kill b', 'node.kill', ['node.start']);
    undoStep(r, 'steps', 2, 'start a', 'node.start');
    undoStep(r, 'steps', 3, 'start b', 'node.start');
    const f = summarize(r.end('passed')).figures!;
    expect(f.faults.map((x) => [x.step, x.recoveredBy])).toEqual([['kill a', 'start a'], ['kill b', 'start b']]);
  });

  it('a snapshot restore undoes every fault before it; a node start only one', () => {
    const undo = ['node.start', 'etcd.snapshot.restore'];
    const r = new Run().start().phase('steps');
    faultStep(r, 0, 'kill a', 'node.kill', undo);
    faultStep(r, 1, 'kill b', 'node.kill', undo);
    undoStep(r, 'steps', 2, 'restore the snapshot', 'etcd.snapshot.restore');
    r.phase('restore');
    undoStep(r, 'restore', 0, 'start a', 'node.start');
    const f = summarize(r.end('passed')).figures!;
    expect(f.faults.map((x) => [x.step, x.recoveredBy, x.recoveryMs])).toEqual([['kill a', 'restore the snapshot', 3000], ['kill b', 'restore the snapshot', 3000]]);
  });

  it('no fault step: no per-fault figures, RPO and write gap over the run', () => {
    const r = new Run().start().phase('steps').passStep('steps', 0, 'restore the snapshot');
    r.emit({ type: 'measure', step: 'restore the snapshot', name: 'rpo.keys', value: 7, unit: 'keys' });
    r.emit({ type: 'measure', step: 'restore the snapshot', name: 'rpo.revisions', value: 9, unit: 'revisions' });
    const f = summarize(r.end('passed')).figures!;
    expect(f).toEqual({ faults: [], detectionMs: undefined, writeGapMs: undefined, recoveryMs: undefined, rpoKeys: 7, rpoRevisions: 9, budgets: [] });
  });
});

describe('budgets', () => {
  it.each([
    // [budgets, expected verdict messages]
    [{ detectionMs: 2000 }, ['detection 1.5s after "kill a follower": within the budget of 2.0s']],
    [{ detectionMs: 1000 }, ['detection 1.5s after "kill a follower": over the budget of 1.0s']],
    [{ writeGapMs: 1000, recoveryMs: 5000 }, ['write gap 1.1s after "kill a follower": over the budget of 1.0s', 'recovery 3.0s after "kill a follower": within the budget of 5.0s']],
    [{ rpoKeys: 0, rpoRevisions: 3 }, ['RPO 0 keys: within the budget of 0 keys']],
    [{}, []],
  ])('%j', (budgets, messages) => {
    const verdicts = judgeBudgets(summarize(loseOneOfThree()).figures!, budgets);
    expect(verdicts.map((v) => v.message)).toEqual(messages);
    expect(verdicts.map((v) => v.ok)).toEqual(messages.map((m) => m.includes('within')));
  });

  it('a breached budget is a failure of the report and shown with the figures first in summary.md', () => {
    const events = loseOneOfThree();
    const end = events.pop()!;
    events.push({ type: 'budget', figure: 'recovery', step: 'kill a follower', limit: 1000, value: 3000, unit: 'ms', ok: false, message: 'recovery 3.0s after "kill a follower": over the budget of 1.0s', t: end.t, ms: end.ms, seq: end.seq }, end);
    const report = summarize(events);
    expect(report.failures).toContainEqual({ kind: 'budget', step: 'kill a follower', check: 'budget recovery', message: 'recovery 3.0s after "kill a follower": over the budget of 1.0s' });
    const md = renderMarkdown(report);
    expect(md.indexOf('## Recovery figures')).toBeLessThan(md.indexOf('## Steps'));
    expect(md).toContain('| kill a follower (`node.kill`) | 1.5s | 1.1s | bring it back | 3.0s | 0 keys, – revisions |');
    expect(md).toContain('- budget: **OVER** recovery 3.0s after "kill a follower": over the budget of 1.0s');
    const junit = renderJunit(report);
    expect(junit).toContain('<testcase name="budget: recovery (kill a follower)"');
    expect(junit).toContain('<failure message="recovery 3.0s after &quot;kill a follower&quot;: over the budget of 1.0s" type="budget">');
  });
});
