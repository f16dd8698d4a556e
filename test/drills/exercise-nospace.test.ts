import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { bin, interruptIfRunning, journalOf, spawnKdrill, untilOutput, waitForJournal } from '../helpers/kdrill.js';
import { exerciseLab } from '../helpers/exercise-lab.js';

/**
 * The test plays the student in drills/exercises/nospace-by-hand.yaml: once kdrill has raised NOSPACE
 * and printed the task, it recovers by hand in bash with the chapter's helper (`kdrill lab env`):
 * alarm list, compaction at the current revision, defrag one member at a time, alarm disarm. The
 * exercise passes with its time to fix and no hint used.
 */
const ex = exerciseLab('drills/exercises/nospace-by-hand.yaml', 'kdt7-ex');
const { lab, dir, env, file } = ex;

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const TLS = '--cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key';

describe('exercise: NOSPACE recovered by hand', () => {
  afterAll(ex.removeLab);

  it('A-C-D-D in bash while kdrill waits: the exercise passes with the time to fix', async () => {
    const reports = path.join(dir, 'runs');
    const run = spawnKdrill(['run', file, '--report-dir', reports], env);
    onTestFinished(() => interruptIfRunning(run));
    await waitForJournal(reports, (ev) => ev.some((e) => e.type === 'step.start' && e.action === 'exercise'), 90_000);
    await untilOutput(run, 'YOUR TURN:');
    // kdrill waits for the student: 3 s later (3 polls) the exercise has not ended by itself.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(journalOf(reports).events.some((e) => e.type === 'step.end' && e.name === 'recover from NOSPACE (your turn)')).toBe(false);

    const student = [
      `eval "$(node '${bin}' lab env '${file}')"`,
      'etcd alarm list | grep -q NOSPACE',
      'rev=$(etcd endpoint status -w json | grep -o \'"revision":[0-9]*\' | head -n1 | cut -d: -f2)',
      'etcd compaction "$rev"',
      // One member at a time: each node's own member (the leader is not singled out here; the order check is not built yet).
      ...['control-plane2', 'control-plane3', 'control-plane'].map((n) => `docker exec '${lab}-${n}' etcdctl --endpoints=https://127.0.0.1:2379 ${TLS} defrag`),
      'etcd alarm disarm',
    ].join(' && \\\n');
    const sh = spawnSync('bash', ['-c', student], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(sh.status, `${sh.stdout}\n${sh.stderr}`).toBe(0);

    const r = await run.done;
    expect(r.code, run.output()).toBe(0);
    const events = journalOf(reports).events;
    const fix = events.find((e) => e.type === 'measure' && e.name === 'exercise.timeToFix');
    expect(fix?.value).toBeGreaterThan(0);
    expect(events.find((e) => e.type === 'measure' && e.name === 'exercise.hintsUsed')?.value).toBe(0);
    expect(r.stdout).toMatch(/fixed in [\d.]+m?s, 0 of 4 hints used/);
    expect(fix!.value).toBeGreaterThan(3_000);
  });
});
