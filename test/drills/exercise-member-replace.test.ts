import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { bin, interruptIfRunning, journalOf, spawnKdrill, untilOutput, waitForJournal } from '../helpers/kdrill.js';
import { exerciseLab } from '../helpers/exercise-lab.js';

/**
 * The test plays the student in drills/exercises/member-replace-by-hand.yaml. Once kdrill has wiped
 * control-plane3's data dirs and killed it, the student replaces the member in bash with the chapter's
 * helper, in the chapter's order: member remove, member add (retried while etcd says "unhealthy
 * cluster"), the node's etcd.yaml set to initial-cluster-state existing with the initial-cluster member
 * add printed (its data dir is the empty one the lost disk left), docker start. The exercise passes with
 * its time to fix. Then, on a held lab, the wrong repair (docker start alone, on the empty data dir)
 * never passes: the step times out saying the member is the old one, and the restore replaces it.
 */
const ex = exerciseLab('drills/exercises/member-replace-by-hand.yaml', 'kdt-exr');
const { lab, dir, env } = ex;
const drillFile = (name: string, timeout?: string): string => ex.copy(name, (doc) => { if (timeout) doc.setIn(['steps', 3, 'timeout'], timeout); });
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const node = `${lab}-control-plane3`;
const exerciseStarted = (ev: Array<Record<string, any>>) => ev.some((e) => e.type === 'step.start' && e.action === 'exercise');

function bash(script: string): string {
  const sh = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, ...env } });
  expect(sh.status, `${sh.stdout}\n${sh.stderr}`).toBe(0);
  return sh.stdout;
}

describe('exercise: replace a dead member by hand', () => {
  afterAll(ex.removeLab);

  it('remove, add, start existing in bash while kdrill waits: the exercise passes with the time to fix', async () => {
    const file = drillFile('member-replace.yaml');
    const reports = path.join(dir, 'runs');
    const run = spawnKdrill(['run', file, '--report-dir', reports], env);
    onTestFinished(() => interruptIfRunning(run));
    await waitForJournal(reports, exerciseStarted, 90_000);
    await untilOutput(run, 'YOUR TURN:');
    await new Promise((r) => setTimeout(r, 2_000));
    expect(journalOf(reports).events.some((e) => e.type === 'step.end' && e.name === 'replace the dead member (your turn)')).toBe(false);

    const t0 = performance.now();
    bash([
      'set -euo pipefail',
      `eval "$(node '${bin}' lab env '${file}')"`,
      `node='${node}'`,
      // etcdctl member list: ID, status, name, peer URLs, client URLs, is learner
      'id=$(etcd member list | awk -F", " -v n="$node" \'$3 == n {print $1}\')',
      'test -n "$id"',
      'etcd member remove "$id"',
      'tmp=$(mktemp -d)',
      'docker cp "$node:/etc/kubernetes/etcd.yaml" "$tmp/etcd.yaml"',
      'peer=$(sed -n "s/^initial-advertise-peer-urls: //p" "$tmp/etcd.yaml")',
      // Right after a removal etcd may answer "unhealthy cluster" for a few seconds.
      'for i in $(seq 1 30); do if out=$(etcd member add "$node" --peer-urls="$peer" 2>&1); then break; fi; sleep 1; done',
      'echo "$out" | grep -q "^ETCD_INITIAL_CLUSTER="',
      'eval "$(echo "$out" | grep "^ETCD_")"',
      'sed -i -e "s|^initial-cluster: .*|initial-cluster: $ETCD_INITIAL_CLUSTER|" -e "s|^initial-cluster-state: .*|initial-cluster-state: $ETCD_INITIAL_CLUSTER_STATE|" "$tmp/etcd.yaml"',
      'grep -q "^initial-cluster-state: existing" "$tmp/etcd.yaml"',
      'docker cp "$tmp/etcd.yaml" "$node:/etc/kubernetes/etcd.yaml"',
      'docker start "$node"',
    ].join('\n'));
    const playedMs = performance.now() - t0;

    const r = await run.done;
    expect(r.code, run.output()).toBe(0);
    const events = journalOf(reports).events;
    const fix = events.find((e) => e.type === 'measure' && e.name === 'exercise.timeToFix');
    expect(fix?.value).toBeGreaterThan(2_000 + playedMs * 0.9);
    expect(r.stdout).toMatch(/fixed in [\d.]+m?s, 0 of 3 hints used/);
    const ended = events.find((e) => e.type === 'step.end' && e.name === 'replace the dead member (your turn)');
    expect(ended?.output).toMatch(/etcd\.memberId: control-plane3 is member [0-9a-f]+, was [0-9a-f]+ \(replaced: a new member\)/);
    // The restore found nothing to replace.
    const restored = events.find((e) => e.type === 'step.end' && e.name === 'control-plane3 a healthy member again');
    expect(restored?.output).toMatch(/is a healthy member .*nothing to replace/);
    process.stdout.write(`member replace by hand: the student's bash took ${Math.round(playedMs)} ms; time to fix ${fix?.value} ms\n`);
  });

  it('the wrong repair (docker start on the empty data dir, no member remove/add) never passes; the restore replaces the member', async () => {
    const file = drillFile('member-replace-wrong.yaml', '12s');
    expect(spawnSync(process.execPath, [bin, 'lab', 'up', file], { encoding: 'utf8', env: { ...process.env, ...env } }).status).toBe(0);
    const reports = path.join(dir, 'wrong');
    const run = spawnKdrill(['run', file, '--report-dir', reports], env);
    onTestFinished(() => interruptIfRunning(run));
    await waitForJournal(reports, exerciseStarted, 90_000);
    docker('start', node);
    const r = await run.done;
    expect(r.code, run.output()).toBe(1);
    const events = journalOf(reports).events;
    expect(events.find((e) => e.type === 'step.end' && e.name === 'replace the dead member (your turn)')?.status).toBe('timeout');
    expect(run.output()).toMatch(/not fixed when the exercise ended: etcd\.memberId: control-plane3 (is member [0-9a-f]+, as before: a member whose data was lost comes back as a new member|has no started member)/);
    process.stdout.write(`wrong repair: ${/not fixed when the exercise ended: [^\n]*/.exec(run.output())?.[0]}\n`);
    const restored = events.find((e) => e.type === 'step.end' && e.name === 'control-plane3 a healthy member again');
    expect(restored?.status, JSON.stringify(restored)).toBe('passed');
    expect(restored?.output).toMatch(/removed, added back as \d+/);
    // The held lab is whole after the restore: three started members, all healthy.
    const out = bash(`eval "$(node '${bin}' lab env '${file}')" && etcd member list && etcd endpoint health --cluster 2>&1`);
    expect(out.match(/, started, /g)).toHaveLength(3);
    expect(out.match(/is healthy/g)).toHaveLength(3);
    expect(spawnSync(process.execPath, [bin, 'lab', 'down', file], { encoding: 'utf8', env: { ...process.env, ...env } }).status).toBe(0);
  });

  it('a replace left half-way by hand (removed, added, never started), then given up: the restore finishes it', async () => {
    const file = drillFile('member-replace-half.yaml');
    expect(spawnSync(process.execPath, [bin, 'lab', 'up', file], { encoding: 'utf8', env: { ...process.env, ...env } }).status).toBe(0);
    const reports = path.join(dir, 'half');
    const run = spawnKdrill(['run', file, '--report-dir', reports], env);
    onTestFinished(() => interruptIfRunning(run));
    await waitForJournal(reports, exerciseStarted, 90_000);
    bash([
      'set -euo pipefail',
      `eval "$(node '${bin}' lab env '${file}')"`,
      `node='${node}'`,
      'id=$(etcd member list | awk -F", " -v n="$node" \'$3 == n {print $1}\')',
      'etcd member remove "$id"',
      'peer=$(docker cp "$node:/etc/kubernetes/etcd.yaml" - | tar -xO | sed -n "s/^initial-advertise-peer-urls: //p")',
      'for i in $(seq 1 30); do if etcd member add "$node" --peer-urls="$peer" >/dev/null 2>&1; then break; fi; sleep 1; done',
      'etcd member list | grep -q ", unstarted, "',
    ].join('\n'));
    const g = spawnSync(process.execPath, [bin, 'lab', 'give-up', file], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(g.status, g.stderr).toBe(0);
    const r = await run.done;
    expect(r.code, run.output()).toBe(1);
    const restored = journalOf(reports).events.find((e) => e.type === 'step.end' && e.name === 'control-plane3 a healthy member again');
    expect(restored?.status, JSON.stringify(restored)).toBe('passed');
    // The entry added by hand had no name yet: found by its peer URL, removed, and the member added again.
    expect(run.output()).toMatch(/removed member \d+ \(control-plane3, added and never started\)/);
    const out = bash(`eval "$(node '${bin}' lab env '${file}')" && etcd member list && etcd endpoint health --cluster 2>&1`);
    expect(out.match(/, started, /g)).toHaveLength(3);
    expect(out.match(/is healthy/g)).toHaveLength(3);
    expect(spawnSync(process.execPath, [bin, 'lab', 'down', file], { encoding: 'utf8', env: { ...process.env, ...env } }).status).toBe(0);
  });
});
