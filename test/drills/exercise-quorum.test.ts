import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { interruptIfRunning, journalOf, spawnKdrill, waitForJournal } from '../helpers/kdrill.js';
import { exerciseLab } from '../helpers/exercise-lab.js';

/** The student of drills/exercises/quorum-back.yaml: one `docker start` brings quorum back; the exercise passes. */
const ex = exerciseLab('drills/exercises/quorum-back.yaml', 'kdt7-exq');
const { lab, dir, env, file } = ex;
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

describe('exercise: quorum back', () => {
  afterAll(ex.removeLab);

  it('waits while quorum is lost; one member started by hand makes it pass', async () => {
    const reports = path.join(dir, 'runs');
    const run = spawnKdrill(['run', file, '--report-dir', reports], env);
    onTestFinished(() => interruptIfRunning(run));
    await waitForJournal(reports, (ev) => ev.some((e) => e.type === 'step.start' && e.action === 'exercise'), 30_000);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(journalOf(reports).events.some((e) => e.type === 'step.end' && e.name === 'bring quorum back (your turn)')).toBe(false);
    docker('start', `${lab}-control-plane2`);
    const r = await run.done;
    expect(r.code, run.output()).toBe(0);
    expect(journalOf(reports).events.find((e) => e.type === 'measure' && e.name === 'exercise.timeToFix')?.value).toBeGreaterThan(3_000);
  });
});
