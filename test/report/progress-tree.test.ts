import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBus, type DrillEvent } from '../../src/engine/events.js';
import { ProgressSlots } from '../../src/report/progress/slots.js';
import { treeProgress } from '../../src/report/progress/tree.js';
import { failedExpectationRun, interruptedRun, outline, passedRun, probeRun } from './runs.js';

const drill = { steps: outline.steps, restore: outline.restore, invariants: [1], probes: [] as unknown[] };

async function settle(events: DrillEvent[], shape = drill): Promise<Record<string, string>> {
  const slots = new ProgressSlots(shape);
  events.forEach((e) => slots.handle(e));
  const out: Record<string, string> = {};
  for (const s of slots.slots) out[s.key] = (await s.result).status;
  return out;
}

describe('progress tree: events settle its tasks', () => {
  it.each([
    ['passed', passedRun, { lab: 'passed', steady: 'passed', 'steps:stop a node': 'passed', 'steps:write a key': 'passed', 'restore:start the node': 'passed', 'restore:undo two': 'passed', final: 'passed', down: 'passed' }],
    ['failed expectation', failedExpectationRun, { lab: 'passed', steady: 'skipped', 'steps:stop a node': 'failed', 'steps:write a key': 'skipped', 'restore:start the node': 'passed', 'restore:undo two': 'passed', final: 'skipped', down: 'passed' }],
    ['interrupted twice', interruptedRun, { lab: 'passed', steady: 'skipped', 'steps:stop a node': 'failed', 'steps:write a key': 'skipped', 'restore:start the node': 'failed', 'restore:undo two': 'skipped', final: 'skipped', down: 'skipped' }],
  ])('%s', async (_, events, expected) => {
    expect(await settle(events())).toEqual(expected);
  });

  it('a step\'s checks become output lines of its task, expected/observed included', () => {
    const slots = new ProgressSlots(drill);
    failedExpectationRun().forEach((e) => slots.handle(e));
    expect(slots.get('steps:stop a node')!.lines).toEqual([
      '✖ etcd.quorum: 1 of 3 members healthy, quorum is 2: lost (4 attempts in 400ms)',
      '    expected: healthy >= 2',
      '    observed: healthy = 1',
    ]);
  });

  it('probe summaries settle the probes task', async () => {
    const r = await settle(probeRun(2000), { ...drill, probes: [1] });
    expect(r.probes).toBe('failed');
  });
});

describe('treeProgress (listr2)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('renders the drill\'s tasks from the event stream and finishes with drill.end', async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const bus = new EventBus();
    const tree = treeProgress(drill, bus, { renderer: 'simple' });
    // Replay a run through the bus, as the engine would, with the renderer running.
    for (const e of failedExpectationRun()) {
      const { t: _t, ms: _ms, seq: _seq, ...body } = e;
      bus.emit(body as never);
      await new Promise((r) => setImmediate(r));
    }
    await tree.done();
    vi.restoreAllMocks();
    const out = written.join('');
    expect(out).toMatch(/lab etcd "lab1" up \(created, 3 nodes\)/);
    expect(out).toMatch(/1\/2 stop a node \(node\.stop\) (failed|—)/);
    expect(out).toContain('expected: healthy >= 2');
    expect(out).toMatch(/restore 2\/2 undo two \(exec\) — 1\.2s/);
    expect(out).toMatch(/2\/2 write a key .*not run|not run.*write a key/);
  });
});
