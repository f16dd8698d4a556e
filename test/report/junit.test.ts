import { describe, expect, it } from 'vitest';
import type { DrillEvent } from '../../src/engine/events.js';
import { renderJunit } from '../../src/report/junit.js';
import { summarize } from '../../src/report/summarize.js';
import { failedExpectationRun, interruptedRun, outline, passedRun, probeRun, Run, timeoutRun } from './runs.js';
import { all, parseXml } from './xml-check.js';

const junit = (events: DrillEvent[]) => parseXml(renderJunit(summarize(events), '/repo'));
const cases = (events: DrillEvent[]) =>
  all(junit(events), 'testcase').map((c) => `${c.attrs.name}:${c.children.map((x) => x.name).filter((n) => n !== 'system-out').join('+') || 'ok'}`);

describe('junit.xml', () => {
  it.each([
    ['passed', passedRun, ['steady state:ok', 'stop a node:ok', 'write a key:ok', 'restore: start the node:ok', 'restore: undo two:ok', 'steady state after the restore:ok']],
    ['failed expectation', failedExpectationRun, ['stop a node:failure', 'write a key:skipped', 'restore: start the node:ok', 'restore: undo two:ok']],
    ['timeout', timeoutRun, ['stop a node:failure', 'write a key:skipped', 'restore: start the node:ok', 'restore: undo two:ok']],
    ['interrupted', interruptedRun, ['stop a node:error', 'write a key:skipped', 'restore: start the node:error', 'restore: undo two:skipped', 'run:error']],
    ['probe over budget', () => probeRun(2000), ['stop a node:ok', 'write a key:ok', 'restore: start the node:ok', 'restore: undo two:ok', 'probe: etcd.writes:failure']],
  ])('%s: one testcase per step', (_, events, expected) => {
    expect(cases(events())).toEqual(expected);
  });

  it('one testsuite per drill, counts and time in seconds', () => {
    const doc = junit(failedExpectationRun());
    const suites = all(doc, 'testsuite');
    expect(suites).toHaveLength(1);
    expect(suites[0]!.attrs).toMatchObject({ name: 'cp-node-loss', tests: '4', failures: '1', errors: '0', skipped: '1', file: 'drills/etcd/cp-node-loss.yaml' });
    const stop = all(doc, 'testcase')[0]!;
    expect(stop.attrs).toMatchObject({ time: '0.900', line: '20', classname: 'cp-node-loss' });
  });

  it('a failed expectation shows expected vs observed', () => {
    const failure = all(junit(failedExpectationRun()), 'failure')[0]!;
    expect(failure.attrs.type).toBe('expectation');
    expect(failure.attrs.message).toMatch(/^etcd.quorum: 1 of 3 members healthy/);
    expect(failure.text).toContain('expected: healthy >= 2');
    expect(failure.text).toContain('observed: healthy = 1');
  });

  it('a timeout and an action error are failures with the step\'s error', () => {
    expect(all(junit(timeoutRun()), 'failure')[0]!.attrs).toMatchObject({ type: 'timeout', message: 'timed out after 500ms' });
    const r = new Run().start(outline).phase('steps').stepStart('steps', 0, 'stop a node').stepEnd('steps', 0, 'stop a node', 'failed', 5, { error: 'docker stop lab1-control-plane3: exit 1' });
    expect(all(junit(r.end('failed')), 'failure')[0]!.attrs).toMatchObject({ type: 'action', message: 'docker stop lab1-control-plane3: exit 1' });
  });

  it('escapes what the drill and the commands put in it (&, <, quotes, ANSI colours, control characters)', () => {
    const nasty = 'a <b> & "c" \'d\'';
    const r = new Run().start(undefined, { 'x<y': 'p&q' }).phase('steps').stepStart('steps', 0, nasty);
    r.check('steps', nasty, { check: 'command', ok: false, message: 'out: \u001b[31mred\u001b[0m\u0007 & <x/>', expected: '<1>', observed: '"2"' });
    r.stepEnd('steps', 0, nasty, 'failed', 5, { output: 'line1\nline2 \u0000 ]]>' });
    const xml = renderJunit(summarize(r.end('failed')));
    const doc = parseXml(xml); // throws on anything malformed
    const tc = all(doc, 'testcase')[0]!;
    expect(tc.attrs.name).toBe(nasty);
    const failure = all(doc, 'failure')[0]!;
    // Colour codes are dropped; a bell (and any other control character) is shown, as on the terminal.
    expect(failure.text).toContain('out: red\\x07 & <x/>');
    expect(failure.text).toContain('expected: <1>');
    expect(xml).not.toContain('\u001b');
    expect(all(doc, 'system-out')[0]!.text).toContain('line1\nline2 \\x00 ]]>');
    expect(all(doc, 'property').find((p) => p.attrs.name === 'param.x<y')?.attrs.value).toBe('p&q');
  });
});
