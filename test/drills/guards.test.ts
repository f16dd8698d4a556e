import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { journalOf, runKdrill, tempDir } from '../helpers/kdrill.js';

/**
 * Guards on a real etcd lab (3 members, docker): two followers killed one after the other, quorum
 * lost. The guard (etcd.quorum, or the write probe's budget with abort: true) stops the steps at
 * once: the 30 s step after the kills is cut short, the last step never runs, the restore runs,
 * exit 1 naming the guard, and the lab (created by the run) is removed.
 */
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const containersOf = (lab: string) => docker('ps', '-aq', '--filter', `label=dev.kdrill.lab=${lab}`).split('\n').filter(Boolean);

const labs: string[] = [];
afterEach(() => {
  for (const lab of labs.splice(0)) {
    const ids = containersOf(lab);
    if (ids.length) docker('rm', '-f', '-v', ...ids);
    spawnSync('docker', ['network', 'rm', `kdrill-${lab}`]);
  }
});

function drill(name: string, watch: string[], wait = '30s'): { file: string; never: string; runs: string; lab: string } {
  const dir = tempDir('kdg-guard-lab-');
  const lab = `kdg-${name}-${process.pid % 10000}`;
  labs.push(lab);
  const never = path.join(dir, 'never');
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, [
    'apiVersion: kdrill/v1', 'kind: Drill', `metadata: {name: ${name}}`,
    `lab: {provider: etcd, name: ${lab}, members: 3}`,
    ...watch,
    'steps:',
    '  - {name: kill a follower, action: node.kill, with: {node: follower}}',
    '  - {name: kill the other follower, action: node.kill, with: {node: follower}}',
    `  - {name: quorum lost for a while, action: sleep, with: {duration: ${wait}}}`,
    `  - {name: never, action: exec, with: {run: [touch, ${never}]}}`,
    'restore:',
    ...['control-plane', 'control-plane2', 'control-plane3'].map((n) => `  - {name: ${n} running, action: node.start, with: {node: ${n}}}`),
    '',
  ].join('\n'));
  return { file, never, runs: path.join(dir, 'runs'), lab };
}

function expectAbortedAndRestored(d: ReturnType<typeof drill>, r: { code: number | null; stdout: string; stderr: string }, guard: string) {
  expect(r.code, r.stdout + r.stderr).toBe(1);
  const { events } = journalOf(d.runs);
  const breach = events.find((e) => e.type === 'guard.breach')!;
  expect(breach).toMatchObject({ guard });
  const end = events.at(-1)!;
  expect(end).toMatchObject({ type: 'drill.end', status: 'failed', exitCode: 1 });
  expect(end.reason).toBe(`aborted by guard: ${guard} — ${breach.message}`);
  expect(r.stdout).toContain(`FAILED: aborted by guard: ${guard}`);
  expect(existsSync(d.never)).toBe(false);
  expect(events.some((e) => e.type === 'step.start' && e.name === 'never')).toBe(false);
  const restore = events.filter((e) => e.type === 'step.end' && e.phase === 'restore');
  expect(restore.map((e) => [e.name, e.status])).toEqual([['control-plane running', 'passed'], ['control-plane2 running', 'passed'], ['control-plane3 running', 'passed']]);
  expect(events.find((e) => e.type === 'lab.down')).toMatchObject({ removed: true });
  expect(containersOf(d.lab)).toEqual([]);
  const aborted = events.find((e) => e.type === 'step.end' && e.name === breach.step);
  return { events, breach, aborted };
}

describe('guards on a real etcd lab', () => {
  it('etcd.quorum as a guard: quorum lost after the second kill stops the steps at once; restore; exit 1; lab removed', async () => {
    const d = drill('quorum', ['guards:', '  - etcd.quorum: {interval: 200ms}']);
    const t0 = performance.now();
    const r = await runKdrill(['run', d.file, '--report-dir', d.runs]);
    const { breach, aborted, events } = expectAbortedAndRestored(d, r, 'etcd.quorum');
    expect(performance.now() - t0).toBeLessThan(30_000);
    expect(breach.message).toMatch(/quorum/);
    // The breach came with the second kill (one follower down is not a breach): after its container
    // died, in that step (the guard can poll while the step still finishes) or right after it.
    const secondStart = events.find((e) => e.type === 'step.start' && e.name === 'kill the other follower')!;
    const secondKill = events.find((e) => e.type === 'step.end' && e.name === 'kill the other follower')!;
    expect(breach.ms).toBeGreaterThanOrEqual(secondStart.ms);
    if (secondKill.status !== 'passed') expect(breach.step).toBe('kill the other follower');
    if (aborted) expect(aborted.ms - breach.ms).toBeLessThan(500);
    console.log(`etcd.quorum guard: breach ${Math.round(breach.ms - secondKill.ms)}ms after the second kill ended; step "${breach.step}" stopped ${aborted ? Math.round(aborted.ms - breach.ms) : '-'}ms after the breach`);
  });

  it('etcd.writes with abort: true: a write gap over maxUnavailable stops the steps at once, not at the end', async () => {
    const d = drill('writes', ['probes:', '  - etcd.writes: {interval: 100ms, maxUnavailable: 1s, abort: true}']);
    const r = await runKdrill(['run', d.file, '--report-dir', d.runs]);
    const { breach, aborted, events } = expectAbortedAndRestored(d, r, 'etcd.writes');
    expect(breach).toMatchObject({ source: 'probe', expected: '≤ 1.00s' });
    const firstFail = events.find((e) => e.type === 'probe.sample' && !e.ok)!;
    // The sample is journaled when its attempt ends; the gap starts when it began.
    const gapStart = firstFail.ms - firstFail.latencyMs;
    const late = breach.ms - gapStart;
    expect(late).toBeGreaterThanOrEqual(990);
    expect(late).toBeLessThan(1_700);
    if (aborted) expect(aborted.ms - breach.ms).toBeLessThan(500);
    // The probe is still judged at the end: over budget.
    expect(events.find((e) => e.type === 'probe.summary')).toMatchObject({ probe: 'etcd.writes', ok: false });
    console.log(`etcd.writes abort: breach ${Math.round(late)}ms after the gap began (budget 1000ms); step "${breach.step}" stopped ${aborted ? Math.round(aborted.ms - breach.ms) : '-'}ms after the breach`);
  });

  it('etcd.writes without abort (as before): the steps run to their end, the budget fails the drill at the end', async () => {
    const d = drill('writes-noabort', ['probes:', '  - etcd.writes: {interval: 100ms, maxUnavailable: 1s}'], '3s');
    const r = await runKdrill(['run', d.file, '--report-dir', d.runs]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const { events } = journalOf(d.runs);
    expect(events.some((e) => e.type === 'guard.breach')).toBe(false);
    expect(events.find((e) => e.type === 'step.end' && e.name === 'quorum lost for a while')).toMatchObject({ status: 'passed' });
    expect(existsSync(d.never)).toBe(true);
    expect(events.at(-1)!.reason).toMatch(/^etcd\.writes: longest write gap .* exceeded$/);
    expect(readFileSync(path.join(journalOf(d.runs).runDir, 'summary.md'), 'utf8')).not.toContain('## Guards');
  });
});
