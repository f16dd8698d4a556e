import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { parseDocument } from 'yaml';
import { interruptIfRunning, journalOf, root, spawnKdrill, tempDir, waitForJournal } from '../helpers/kdrill.js';

/** The student of drills/exercises/quorum-back.yaml: one `docker start` brings quorum back; the exercise passes. */
const lab = `kdt7-exq-${process.pid % 10000}`;
const dir = tempDir('kdrill-exercise-quorum-');
const env = { KDRILL_STATE_DIR: path.join(dir, 'state') };
const file = path.join(dir, 'quorum-back.yaml');
const doc = parseDocument(readFileSync(path.join(root, 'drills/exercises/quorum-back.yaml'), 'utf8'));
doc.setIn(['lab', 'name'], lab);
writeFileSync(file, doc.toString());
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

describe('exercise: quorum back', () => {
  afterAll(() => {
    const ids = docker('ps', '-aq', '--filter', `label=dev.kdrill.lab=${lab}`).split('\n').filter(Boolean);
    if (ids.length) docker('rm', '-f', '-v', ...ids);
    spawnSync('docker', ['network', 'rm', `kdrill-${lab}`]);
  });

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
