import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { bin, journalOf, root, runKdrill, tempDir } from '../helpers/kdrill.js';

/**
 * A trainer's lab by hand, on real docker and etcd: `kdrill lab up` makes the drill's lab and holds
 * it; the chapter's helper from `kdrill lab env` works in bash; `status` shows the H-S-M tables with
 * one leader; a drill run adopts the lab and leaves it up; `kdrill lab down` leaves nothing behind.
 */
const lab = `kdt7-lab-${process.pid % 10000}`;
const dir = tempDir('kdrill-lab-cmd-');
const state = path.join(dir, 'state');
const env = { KDRILL_STATE_DIR: state };
const stateDir = path.join(state, 'labs', `etcd-${lab}`);

const file = path.join(dir, 'lose-one-of-three.yaml');
const doc = parseDocument(readFileSync(path.join(root, 'drills/etcd/lose-one-of-three.yaml'), 'utf8'));
doc.setIn(['lab', 'name'], lab);
writeFileSync(file, doc.toString());

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const labelled = () => docker('ps', '-aq', '--filter', `label=dev.kdrill.lab=${lab}`).split('\n').filter(Boolean);
const networks = () => docker('network', 'ls', '-q', '--filter', `label=dev.kdrill.lab=${lab}`).split('\n').filter(Boolean);

describe('kdrill lab up | env | status | down', () => {
  afterAll(() => {
    const ids = labelled();
    if (ids.length) docker('rm', '-f', '-v', ...ids);
    spawnSync('docker', ['network', 'rm', `kdrill-${lab}`]);
  });

  it('up holds the lab; the etcd helper works in bash; status shows one leader; a run adopts it and leaves it up; down leaves nothing', async () => {
    const up = await runKdrill(['lab', 'up', file], env);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toContain(`lab ${lab} (etcd): created in `);
    expect(labelled()).toHaveLength(3);

    // The student's shell: the chapter's helper, then its first command.
    const sh = spawnSync('bash', ['-c', `eval "$(node '${bin}' lab env '${file}')" && etcd member list -w table`], { encoding: 'utf8', env: { ...process.env, ...env } });
    expect(sh.status, sh.stderr).toBe(0);
    const rows = sh.stdout.split('\n').filter((l) => /^\| +[0-9a-f]+ \| started \|/.test(l));
    expect(rows, sh.stdout).toHaveLength(3);
    for (const n of ['control-plane', 'control-plane2', 'control-plane3']) expect(sh.stdout).toContain(`${lab}-${n}`);

    const status = await runKdrill(['lab', 'status', file], env);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/\|\s+ENDPOINT\s+\|\s+ID\s+\|\s+VERSION\s+\|\s+DB SIZE\s+\|\s+IS LEADER\s+\|\s+RAFT TERM\s+\|\s+RAFT INDEX\s+\|/);
    expect(status.stdout).toMatch(/3 of 3 members healthy, quorum 2: quorum holds; leader control-plane\d?\n/);
    expect(status.stdout).toContain('alarm list:\n  (none)');
    expect(status.stdout.match(/\| running \|/g)).toHaveLength(3);

    // A drill run on the held lab adopts it and leaves it up.
    const reports = path.join(dir, 'runs');
    const run = await runKdrill(['run', file, '--report-dir', reports], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const events = journalOf(reports).events;
    expect(events.find((e) => e.type === 'lab.up')?.adopted).toBe('left by an earlier run: 3 of 3 members running');
    expect(events.find((e) => e.type === 'lab.down')).toMatchObject({ removed: false, reason: 'held by kdrill lab up (kdrill lab down removes it)' });
    expect(labelled()).toHaveLength(3);

    const down = await runKdrill(['lab', 'down', file], env);
    expect(down.code, down.stdout + down.stderr).toBe(0);
    expect(down.stdout).toContain(`removed ${lab}-control-plane, ${lab}-control-plane2, ${lab}-control-plane3`);
    expect(labelled()).toEqual([]);
    expect(networks()).toEqual([]);
    expect(existsSync(stateDir)).toBe(false);

    // Nothing is up any more: status says so (exit 3), and a second down is harmless.
    const after = await runKdrill(['lab', 'status', file], env);
    expect(after.code).toBe(3);
    expect(after.stderr).toContain(`lab ${lab} (etcd) is not up`);
  });
});
