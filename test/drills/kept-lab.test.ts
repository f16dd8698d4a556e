import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { removeEtcdLab } from '../labs/helpers.js';
import { journalOf, root, runKdrill, spawnKdrill, tempDir, waitForJournal } from '../helpers/kdrill.js';

/**
 * A kept lab (keep: true, a trainer's one lab for many drills) is never left broken by a drill:
 * a Ctrl-C in full-restore, the drill that breaks the most, right after it lost quorum, leaves the
 * kept lab at its steady state (its restore brings the members back and removes its keys), and the
 * drill passes again on that lab (it starts from its own clean keyspace). On the drill of 5fcc321 the
 * run ended "interrupted: the restore ran" with no restore step and 2 of 3 members exited.
 */
const lab = `kdrill-kept-${process.pid % 10000}`;
const dir = tempDir('kdrill-kept-');

function kept(name: string): string {
  const doc = parseDocument(readFileSync(path.join(root, 'drills/etcd', `${name}.yaml`), 'utf8'));
  doc.setIn(['lab', 'name'], lab);
  doc.setIn(['lab', 'keep'], true);
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, doc.toString());
  return file;
}

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const members = ['control-plane', 'control-plane2', 'control-plane3'].map((n) => `${lab}-${n}`);

/** The kept lab's steady state, seen from inside a node: every member running and healthy. */
function steady(): { running: boolean[]; health: string } {
  const running = members.map((c) => docker('inspect', '--format', '{{.State.Running}}', c) === 'true');
  const r = spawnSync('docker', ['exec', members[0]!, 'etcdctl', '--endpoints=https://127.0.0.1:2379', '--cacert=/etc/kubernetes/pki/etcd/ca.crt',
    '--cert=/etc/kubernetes/pki/etcd/server.crt', '--key=/etc/kubernetes/pki/etcd/server.key', 'endpoint', 'health', '--cluster'], { encoding: 'utf8' });
  return { running, health: `${r.stdout}${r.stderr}` };
}

describe('a kept lab is never left broken', () => {
  afterAll(() => {
    removeEtcdLab(lab);
  });

  it('a Ctrl-C right after quorum is lost: exit 130, the restore ran, the kept lab is back at its steady state, and the drill passes on it again', async () => {
    const reports = path.join(dir, 'interrupted');
    const run = spawnKdrill(['run', kept('full-restore'), '--set', `snapshot=${path.join(dir, 'etcd-snapshot-2.db')}`, '--report-dir', reports],
      { KDRILL_STATE_DIR: path.join(dir, 'state') });
    await waitForJournal(reports, (ev) => ev.some((e) => e.type === 'step.end' && e.name === 'lose the second member'), 60_000);
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, run.output()).toBe(130);
    const end = journalOf(reports).events.at(-1);
    expect(end).toMatchObject({ type: 'drill.end', status: 'interrupted', reason: 'interrupted: the restore ran (4 steps)' });
    const now = steady();
    expect(now.running).toEqual([true, true, true]);
    expect(now.health.match(/is healthy/g)?.length, now.health).toBe(3);
    // And the drill passes again on that lab: the keys the interrupted run wrote after its snapshot
    // would otherwise be inside the next snapshot ("was this cluster restored?").
    const again = await runKdrill(['run', kept('full-restore'), '--set', `snapshot=${path.join(dir, 'etcd-snapshot-3.db')}`, '--report-dir', path.join(dir, 'again')],
      { KDRILL_STATE_DIR: path.join(dir, 'state') });
    expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
    expect(journalOf(path.join(dir, 'again')).events.find((e) => e.type === 'lab.up')?.adopted).toBe('left by an earlier run: 3 of 3 members running');
  });
});
