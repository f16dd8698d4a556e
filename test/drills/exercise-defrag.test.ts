import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { interruptIfRunning, journalOf, spawnKdrill, waitForJournal } from '../helpers/kdrill.js';
import { exerciseLab } from '../helpers/exercise-lab.js';

/**
 * The test plays the student in drills/exercises/defrag-safely.yaml, once wrongly (the leader first:
 * the exercise fails and says why, in the chapter's words) and once rightly (followers first, the
 * leader last, one at a time: it passes with its time to fix).
 */
const ex = exerciseLab('drills/exercises/defrag-safely.yaml', 'kdt7-exd');
const { lab, dir, env, file } = ex;

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const nodes = ['control-plane', 'control-plane2', 'control-plane3'].map((n) => `${lab}-${n}`);
const etcdctl = (node: string, ...args: string[]) => docker('exec', node, 'etcdctl', '--endpoints=https://127.0.0.1:2379', '--cacert=/etc/kubernetes/pki/etcd/ca.crt',
  '--cert=/etc/kubernetes/pki/etcd/server.crt', '--key=/etc/kubernetes/pki/etcd/server.key', ...args);
/** The leader's node, as a student reads it: the member whose ID is the leader it reports. */
function leaderNode(): string {
  const found = nodes.find((n) => {
    const out = etcdctl(n, 'endpoint', 'status', '-w', 'json');
    return /"member_id":(\d+)/.exec(out)?.[1] === /"leader":(\d+)/.exec(out)?.[1];
  });
  if (!found) throw new Error('no leader found');
  return found;
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function play(name: string, order: (leader: string) => string[]) {
  const reports = path.join(dir, name);
  const run = spawnKdrill(['run', file, '--report-dir', reports], env);
  onTestFinished(() => interruptIfRunning(run));
  await waitForJournal(reports, (ev) => ev.some((e) => e.type === 'step.start' && e.action === 'exercise'), 30_000);
  await pause(500);
  for (const n of order(leaderNode())) {
    etcdctl(n, 'defrag');
    await pause(1_000); // a student's pace: the watch (every 200 ms) sees one member at a time
  }
  const r = await run.done;
  return { r, output: run.output(), events: journalOf(reports).events };
}

describe('exercise: defragment safely', () => {
  afterAll(ex.removeLab);

  it('the leader first: the exercise fails and says what was wrong', async () => {
    let leader = '';
    // The leader alone: the exercise fails at once, and its restore removes the lab under a student who went on.
    const { r, output } = await play('wrong', (l) => ((leader = l), [l]));
    expect(r.code, output).toBe(1);
    expect(output).toContain(`etcd.defragOrder: the leader (${leader.slice(lab.length + 1)}) was defragmented before`);
    expect(output).toContain('followers first, the leader last (defragging the leader mid-pass forces a needless re-election)');
  });

  it('followers first, the leader last, one at a time: it passes with the time to fix', async () => {
    const { r, output, events } = await play('right', (l) => [...nodes.filter((n) => n !== l), l]);
    expect(r.code, output).toBe(0);
    expect(events.find((e) => e.type === 'measure' && e.name === 'exercise.timeToFix')?.value).toBeGreaterThan(2_000);
    // What the task tells the student is true: after the compaction the files are mostly free space
    // (with the write probe's writes: bbolt frees a compaction's pages at later write transactions).
    expect(events.find((e) => e.type === 'check.end' && e.check === 'etcd.dbSize' && e.step === 'compact')).toMatchObject({ ok: true, message: expect.stringMatching(/fragmentation > 50%/) });
    // The write gap the student's defrags caused is measured.
    expect(events.some((e) => e.type === 'probe.summary' && e.probe === 'etcd.writes')).toBe(true);
  });
});
