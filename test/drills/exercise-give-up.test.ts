import { execFileSync, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { bin, interruptIfRunning, journalOf, runKdrill, spawnKdrill, untilOutput, waitForJournal } from '../helpers/kdrill.js';
import { exerciseLab } from '../helpers/exercise-lab.js';

/**
 * Giving up an exercise, for real, on a lab held by `kdrill lab up` (so that what the restore left
 * can be looked at after the run): drills/exercises/member-replace-by-hand.yaml, whose restore has the
 * most to do when the student did nothing (the member replace). `kdrill lab give-up` from another
 * process ends it as given up (exit 1, the journal says gave up, not interrupted), the restore
 * replaces the member, the lab is whole after. Ctrl-C in the run still means interrupted (130).
 */
const ex = exerciseLab('drills/exercises/member-replace-by-hand.yaml', 'kdt-exg');
const { lab, dir, env, file } = ex;
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const exerciseStarted = (ev: Array<Record<string, any>>) => ev.some((e) => e.type === 'step.start' && e.action === 'exercise');
const EXERCISE = 'replace the dead member (your turn)';
const RESTORE = 'control-plane3 a healthy member again';

/** Three started members, all healthy, through the student's helper. */
function whole(): void {
  const sh = spawnSync('bash', ['-c', `eval "$(node '${bin}' lab env '${file}')" && etcd member list && etcd endpoint health --cluster 2>&1`], { encoding: 'utf8', env: { ...process.env, ...env } });
  expect(sh.status, `${sh.stdout}\n${sh.stderr}`).toBe(0);
  expect(sh.stdout.match(/, started, /g)).toHaveLength(3);
  expect(sh.stdout.match(/is healthy/g)).toHaveLength(3);
}

/** util-linux's script(1) gives the run a terminal; off CI, a machine without it skips those two tests (CI must run them). */
const noPty = !/util-linux/.test(spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout ?? '') && !process.env.CI;

/** `kdrill run` on a terminal of its own (a pty, by script(1)): what is written to `type` reaches it as keys. */
function runOnTerminal(reports: string) {
  const cmd = ['node', bin, 'run', file, '--report-dir', reports, '--progress', 'plain'].map((w) => `'${w}'`).join(' ');
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], { env: { ...process.env, ...env, CI: 'true' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { type: (keys: string) => child.stdin.write(keys), done, output: () => out };
}

describe('exercise: give up, or Ctrl-C', () => {
  afterAll(ex.removeLab);

  it('kdrill lab give-up with no run going says so (exit 2)', async () => {
    const r = await runKdrill(['lab', 'give-up', file], env);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`no kdrill run is going on lab ${lab} (etcd): nothing to give up`);
  });

  it('kdrill lab give-up from another terminal: the exercise fails as given up, the restore replaces the member, the lab is whole', async () => {
    expect((await runKdrill(['lab', 'up', file], env)).code).toBe(0);
    const reports = path.join(dir, 'gave-up');
    const run = spawnKdrill(['run', file, '--report-dir', reports], env);
    onTestFinished(() => interruptIfRunning(run));
    await waitForJournal(reports, exerciseStarted, 90_000);
    // The task is printed a little after the journal's step.start.
    await untilOutput(run, 'Stuck? Type give up here (on a terminal), or in another terminal: kdrill lab give-up');
    await new Promise((r) => setTimeout(r, 1_500));
    const t0 = performance.now();
    const g = await runKdrill(['lab', 'give-up', file], env);
    const answeredMs = performance.now() - t0;
    expect(g.code, g.stderr).toBe(0);
    expect(g.stdout).toMatch(new RegExp(`^lab ${lab} \\(etcd\\): the exercise of run pid \\d+ gave up after [\\d.]+m?s \\(kdrill lab give-up, pid \\d+\\), 0 of 3 hints used: not fixed; the restore is repairing the lab`));

    const r = await run.done;
    expect(r.code, run.output()).toBe(1);
    expect(r.stdout).toMatch(/FAILED: step "replace the dead member \(your turn\)" failed: gave up after/);
    const events = journalOf(reports).events;
    const step = events.find((e) => e.type === 'step.end' && e.name === EXERCISE);
    expect(step?.status).toBe('failed');
    expect(step?.error).toMatch(/^gave up after .*the restore repairs the lab$/);
    expect(events.find((e) => e.type === 'measure' && e.name === 'exercise.gaveUpAfter')?.value).toBeGreaterThan(1_500);
    expect(events.find((e) => e.type === 'drill.end')).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(events.some((e) => e.type === 'interrupt')).toBe(false);
    const restored = events.find((e) => e.type === 'step.end' && e.name === RESTORE);
    expect(restored?.status, JSON.stringify(restored)).toBe('passed');
    expect(restored?.output).toMatch(/removed, added back as \d+/);
    whole();
    process.stdout.write(`give-up answered in ${Math.round(answeredMs)} ms\n`);
  });

  it.skipIf(noPty)('"give up" typed in the run\'s own terminal (a pty, by script(1)) does the same; typed before the exercise, it is answered', async () => {
    const reports = path.join(dir, 'typed');
    const run = runOnTerminal(reports);
    // Typed at once: the terminal keeps the line until the run reads it, before its first step.
    run.type('give up\n');
    await untilOutput(run, 'kdrill: "give up" ends an exercise while it waits for you, and no exercise waits now (Ctrl-C stops the run; its restore runs)');
    await waitForJournal(reports, exerciseStarted, 90_000);
    await new Promise((r) => setTimeout(r, 1_000));
    run.type('give up\n');
    expect(await run.done, run.output()).toBe(1);
    const events = journalOf(reports).events;
    expect(events.find((e) => e.type === 'step.end' && e.name === EXERCISE)?.error).toMatch(/^gave up after [\d.]+m?s \(typed "give up" in the run's terminal\), 0 of 3 hints used: not fixed/);
    expect(events.find((e) => e.type === 'step.end' && e.name === RESTORE)?.status).toBe('passed');
    whole();
  });

  it.skipIf(noPty)('Ctrl-C in the run\'s terminal still interrupts it (exit 130): the restore runs, the lab is whole', async () => {
    const reports = path.join(dir, 'ctrl-c');
    const run = runOnTerminal(reports);
    await waitForJournal(reports, exerciseStarted, 90_000);
    await new Promise((r) => setTimeout(r, 1_000));
    // ^C on the terminal: its line discipline sends SIGINT (the "give up" reader keeps the terminal out of raw mode).
    run.type('\x03');
    expect(await run.done, run.output()).toBe(130);
    const events = journalOf(reports).events;
    expect(events.find((e) => e.type === 'step.end' && e.name === EXERCISE)?.status).toBe('interrupted');
    expect(events.find((e) => e.type === 'drill.end')).toMatchObject({ status: 'interrupted', exitCode: 130 });
    expect(events.find((e) => e.type === 'drill.end')?.reason).toMatch(/^interrupted: the restore ran/);
    expect(events.find((e) => e.type === 'step.end' && e.name === RESTORE)?.status).toBe('passed');
    whole();
    expect((await runKdrill(['lab', 'down', file], env)).code).toBe(0);
  });
});
