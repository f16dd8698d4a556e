import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { findDrills } from '../../src/drill/discover.js';
import { journalOf, root, runKdrill, spawnKdrill, tempDir, waitForJournal } from '../helpers/kdrill.js';

const drill = 'test/fixtures/drills/lifecycle.yaml';

function setup() {
  const dir = tempDir();
  const log = path.join(dir, 'restore.log');
  const reports = path.join(dir, 'runs');
  return { dir, log, reports, args: ['--report-dir', reports, '--set', `log=${log}`] };
}

const logLines = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);

describe('kdrill run: the restore always runs (real kdrill process)', () => {
  it('passes: steps, then the restore, exit 0, reports written', async () => {
    const t = setup();
    const r = await runKdrill(['run', drill, ...t.args]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(logLines(t.log)).toEqual(['second', 'restore-1', 'restore-2']);
    const { events, runDir } = journalOf(t.reports);
    expect(events.at(-1)).toMatchObject({ type: 'drill.end', status: 'passed', exitCode: 0 });
    for (const f of ['report.json', 'junit.xml', 'summary.md', 'report.html']) expect(existsSync(path.join(runDir, f)), f).toBe(true);
  });

  it('a failed expectation stops the steps, the restore runs, exit 1', async () => {
    const t = setup();
    const r = await runKdrill(['run', drill, ...t.args, '--set', 'expectFile=/no/such/file']);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(logLines(t.log)).toEqual(['restore-1', 'restore-2']); // "second" never ran
    const { events } = journalOf(t.reports);
    const first = events.find((e) => e.type === 'step.end' && e.name === 'first');
    expect(first).toMatchObject({ status: 'failed' });
    expect(events.find((e) => e.type === 'check.end' && !e.ok)).toMatchObject({ check: 'command', source: 'expect' });
  });

  it('a failing action stops the steps and the restore runs, exit 1', async () => {
    const t = setup();
    const r = await runKdrill(['run', drill, ...t.args, '--set', 'first=exit 7']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/exited with code 7/);
    expect(logLines(t.log)).toEqual(['restore-1', 'restore-2']);
  });

  it('a step timeout kills the command, the restore runs, exit 1', async () => {
    const t = setup();
    const started = Date.now();
    const r = await runKdrill(['run', drill, ...t.args, '--set', 'first=sleep 30', '--set', 'stepTimeout=500ms']);
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(logLines(t.log)).toEqual(['restore-1', 'restore-2']);
    expect(journalOf(t.reports).events.find((e) => e.type === 'step.end' && e.name === 'first')).toMatchObject({ status: 'timeout' });
  });

  it('SIGINT aborts the running step, runs the restore, exits 130', async () => {
    const t = setup();
    const marker = `${Date.now() % 100000}.5`;
    const run = spawnKdrill(['run', drill, ...t.args, '--set', `first=sleep ${marker}`]);
    await waitForJournal(t.reports, (ev) => ev.some((e) => e.type === 'step.start' && e.name === 'first'));
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(130);
    expect(logLines(t.log)).toEqual(['restore-1', 'restore-2']);
    const { events } = journalOf(t.reports);
    expect(events.find((e) => e.type === 'step.end' && e.name === 'first')).toMatchObject({ status: 'interrupted' });
    expect(events.at(-1)).toMatchObject({ type: 'drill.end', status: 'interrupted', exitCode: 130, reason: 'interrupted: the restore ran (2 steps)' });
    // the step's child process was killed, not left behind
    const ps = execFileSync('ps', ['-eo', 'args']).toString();
    expect(ps).not.toContain(`sleep ${marker}`);
  });

  it('SIGINT on a drill without restore steps says so, not "the restore ran"', async () => {
    const t = setup();
    const file = path.join(t.dir, 'no-restore.yaml');
    writeFileSync(file, [
      'apiVersion: kdrill/v1', 'kind: Drill', 'metadata: {name: no-restore}', 'lab: {provider: local}',
      'steps:', '  - {name: wait, action: exec, with: {run: [sleep, "30"]}}', '',
    ].join('\n'));
    const run = spawnKdrill(['run', file, '--report-dir', t.reports]);
    await waitForJournal(t.reports, (ev) => ev.some((e) => e.type === 'step.start' && e.name === 'wait'));
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(130);
    expect(journalOf(t.reports).events.at(-1)).toMatchObject({ status: 'interrupted', reason: 'interrupted: this drill has no restore steps (what its steps changed is left as it is)' });
    expect(r.stdout).not.toMatch(/the restore ran/);
  });

  it('one SIGINT during the restore lets the restore finish, and the run ends interrupted (130), not passed', async () => {
    const t = setup();
    const run = spawnKdrill(['run', drill, ...t.args, '--set', 'restoreSleep=1.5']);
    await waitForJournal(t.reports, (ev) => ev.some((e) => e.type === 'step.start' && e.name === 'undo two'));
    await new Promise((r) => setTimeout(r, 300));
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(130);
    // The restore step that was running when the signal came was not cut short.
    expect(logLines(t.log)).toEqual(['second', 'restore-1', 'restore-2']);
    const { events } = journalOf(t.reports);
    expect(events.find((e) => e.type === 'step.end' && e.name === 'undo two')).toMatchObject({ status: 'passed' });
    expect(events.at(-1)).toMatchObject({ type: 'drill.end', status: 'interrupted', exitCode: 130 });
  });

  it('a second SIGINT exits at once and names the restore steps that did not run', async () => {
    const t = setup();
    const run = spawnKdrill(['run', drill, ...t.args, '--set', 'first=sleep 30', '--set', 'restoreSleep=30']);
    await waitForJournal(t.reports, (ev) => ev.some((e) => e.type === 'step.start' && e.name === 'first'));
    run.child.kill('SIGINT');
    await waitForJournal(t.reports, (ev) => ev.some((e) => e.type === 'step.start' && e.name === 'undo two'));
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/Restore steps NOT run: undo two/);
    expect(logLines(t.log)).toEqual(['restore-1']);
    expect(journalOf(t.reports).events.at(-1)).toMatchObject({ type: 'drill.end', restoreNotRun: ['undo two'] });
  });

  it('the journal of a kill -9\'d run is readable up to its last event', async () => {
    const t = setup();
    const run = spawnKdrill(['run', drill, ...t.args, '--set', 'first=sleep 30']);
    await waitForJournal(t.reports, (ev) => ev.some((e) => e.type === 'step.start' && e.name === 'first'));
    run.child.kill('SIGKILL');
    await run.done;
    const { events } = journalOf(t.reports); // every line parses
    expect(events[0]).toMatchObject({ type: 'drill.start' });
    expect(events.at(-1)).toMatchObject({ type: 'step.start', name: 'first' });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
  });
});

describe('kdrill validate and --dry-run run nothing', () => {
  it('validate prints every problem as path:line:col, exit 2, no stack trace', async () => {
    const r = await runKdrill(['validate', 'test/fixtures/drills/broken.yaml', 'test/fixtures/drills/bad-yaml.yaml']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^test\/fixtures\/drills\/broken\.yaml:11:13: steps\[1\]\.action: unknown action "exex"; did you mean "exec"\?/),
      expect.stringMatching(/^test\/fixtures\/drills\/broken\.yaml:15:22: steps\[2\]\.with\.duration: /),
      expect.stringMatching(/^test\/fixtures\/drills\/broken\.yaml:18:24: steps\[3\]\.with\.run\[1\]: undefined param: "nodee" \(known: marker\)/),
      expect.stringMatching(/^test\/fixtures\/drills\/broken\.yaml:21:30: steps\[4\]\.with\.cwd: folder not found: /),
      expect.stringMatching(/^test\/fixtures\/drills\/bad-yaml\.yaml:\d+:\d+: YAML: /),
    ]));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync('/tmp/kdrill-broken-marker')).toBe(false);
  });

  it('run on a broken drill exits 2 and runs nothing', async () => {
    const dir = tempDir();
    const r = await runKdrill(['run', 'test/fixtures/drills/broken.yaml', '--report-dir', dir, '--set', `marker=${dir}/m`]);
    expect(r.code).toBe(2);
    expect(existsSync(`${dir}/m`)).toBe(false);
  });

  it('--dry-run prints the exact commands and runs nothing', async () => {
    const t = setup();
    const r = await runKdrill(['run', drill, ...t.args, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`sh -c 'echo second >> "$0"' ${t.log}`);
    expect(r.stdout).toMatch(/restore \(always\):/);
    expect(existsSync(t.log)).toBe(false);
    expect(existsSync(t.reports)).toBe(false);
  });

  // Before the plans stopped asking a lab that is not up for its members' addresses, full-restore and
  // app-data-survives ended "lab … is not up: no IPs yet" (exit 3), member-replace "has no node follower".
  it.each(findDrills([path.join(root, 'drills')]).map((f) => path.relative(root, f)))('--dry-run of the shipped %s exits 0 and runs nothing', async (rel) => {
    const state = tempDir();
    const r = await runKdrill(['run', rel, '--dry-run'], { KDRILL_STATE_DIR: state });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^lab down:$/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(state)).toEqual([]);
  });

  it('unknown --set and --only names are usage errors (exit 2)', async () => {
    expect((await runKdrill(['run', drill, '--set', 'nope=1'])).code).toBe(2);
    const r = await runKdrill(['run', drill, '--only', 'frist']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/did you mean "first"/);
  });
});
