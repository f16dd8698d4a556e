import { describe, expect, it } from 'vitest';
import type { DrillEvent } from '../../src/engine/events.js';
import { clock, plainProgress } from '../../src/report/progress/plain.js';
import { failedExpectationRun, interruptedRun, passedRun, probeRun } from './runs.js';

const lines = (events: DrillEvent[]) => {
  const out: string[] = [];
  const sub = plainProgress((l) => out.push(l));
  events.forEach(sub);
  return out;
};
/** Without the clock, which depends on the machine's time zone. */
const text = (events: DrillEvent[]) => lines(events).map((l) => l.replace(/^\d\d:\d\d:\d\d\.\d{3} /, ''));

describe('plain progress lines', () => {
  it('every line starts with the local time to the millisecond', () => {
    const d = new Date(2025, 0, 2, 12, 3, 4, 123);
    expect(clock(d.toISOString())).toBe('12:03:04.123');
    expect(lines(passedRun()).every((l) => /^\d\d:\d\d:\d\d\.\d{3} ./.test(l))).toBe(true);
  });

  it('an adopted lab says "adopted" and what was found, not "created"', () => {
    const up: DrillEvent = { type: 'lab.up', t: new Date().toISOString(), ms: 1, provider: 'etcd', name: 'lab1', created: true, nodes: ['control-plane'], adopted: 'left by an earlier run: 1 of 3 members running' } as DrillEvent;
    expect(text([up])).toEqual(['lab etcd "lab1" up (adopted: left by an earlier run: 1 of 3 members running; 1 node: control-plane)']);
  });

  it('a passing run: steps numbered against the plan, checks indented, restore marked, final status', () => {
    expect(text(passedRun())).toEqual([
      'drill cp-node-loss — Lose 1 of 3 control-plane nodes (/repo/drills/etcd/cp-node-loss.yaml)',
      'lab etcd "lab1" up (created; 3 nodes: lab1-control-plane, lab1-control-plane2, lab1-control-plane3)',
      '▶ steady state: the invariants must hold before the first step',
      '    ✔ etcd.quorum: holds [invariant]',
      '▶ step 1/2 stop a node (node.stop)',
      '    · stop.duration = 812 ms',
      '    ✔ etcd.quorum: 2 of 3 members healthy, quorum is 2: holds',
      '  ✔ passed 1.2s',
      '▶ step 2/2 write a key (exec)',
      '    ✔ command: exit 0',
      '  ✔ passed 1.2s',
      '── restore (always runs)',
      '▶ restore 1/2 start the node (exec)',
      '    ✔ command: exit 0',
      '  ✔ passed 1.2s',
      '▶ restore 2/2 undo two (exec)',
      '    ✔ command: exit 0',
      '  ✔ passed 1.2s',
      '▶ steady state after the restore',
      '    ✔ etcd.quorum: holds [invariant]',
      '    · kdrill.cpu = 42 ms',
      'lab etcd "lab1" removed',
      expect.stringMatching(/^PASSED in \d+\.\ds \(exit 0\)$/),
    ]);
  });

  it('a failed expectation shows expected and observed under the check', () => {
    const t = text(failedExpectationRun());
    const i = t.findIndex((l) => l.startsWith('    ✖ etcd.quorum'));
    expect(t.slice(i, i + 4)).toEqual([
      '    ✖ etcd.quorum: 1 of 3 members healthy, quorum is 2: lost (4 attempts in 400ms)',
      '        expected: healthy >= 2',
      '        observed: healthy = 1',
      '  ✖ failed 900ms: etcd.quorum: 1 of 3 members healthy, quorum is 2: lost (4 attempts in 400ms)',
    ]);
    expect(t.at(-1)).toMatch(/^FAILED in .* \(exit 1\): step "stop a node"/);
  });

  it('interrupts and the restore steps that did not run', () => {
    const t = text(interruptedRun());
    expect(t).toContain('! SIGINT: stopping the running step, then the restore (again to exit at once)');
    expect(t).toContain('  ■ interrupted 310ms');
    expect(t.at(-1)).toBe('! restore steps NOT run: start the node, undo two');
  });

  it('probe summaries with the steps that lost availability', () => {
    const t = text(probeRun(2000));
    expect(t).toContain('✖ probe etcd.writes: etcd writes: 2 unavailable window(s), longest 2500 ms, total 2800 ms: over the budget of 2000 ms');
    expect(t).toContain('    stop a node: longest 2.5s unavailable, 2.5s in all');
    expect(t.some((l) => l.includes('probe.sample') || l.includes('request timed out'))).toBe(false); // samples are not printed
  });
});
