import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { bin as repoBin, root, tempDir } from './kdrill.js';

/**
 * Docker Desktop's situation, here: a user whose packets to the private ranges, where docker's
 * networks are, are rejected ("no route to host", as a Mac gets for a container's IP), while
 * 127.0.0.1 stays open. A system user in the docker group (the socket) made with useradd, cut off
 * by iptables' owner match; remove() takes both away and is called in afterAll, failed or not.
 * Needs root, useradd and iptables (in .ci/run's install); elsewhere `skip` says why.
 */
export interface RestrictedUser {
  name: string;
  uid: number;
  gid: number;
  /** The kdrill launcher this user can read (the repo's own, or a copy of bin/ and dist/ when the repo is closed to others). */
  bin: string;
  /** Hands a folder (and all under it) to the user. */
  own(dir: string): void;
  remove(): void;
}

const RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
const COMMENT = 'kdrill-restricted';

const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' });
const ruleArgs = (uid: number, range: string, name: string): string[] => [
  'OUTPUT', '-d', range, '-m', 'owner', '--uid-owner', String(uid), '-m', 'comment', '--comment', `${COMMENT}:${name}`,
  '-j', 'REJECT', '--reject-with', 'icmp-host-unreachable',
];

/** Why the test cannot make such a user here, or undefined when it can. */
function cannot(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root (useradd and iptables need it)';
  const ipt = run('iptables', ['-S', 'OUTPUT']);
  if (ipt.error || ipt.status !== 0) return `iptables does not work here: ${ipt.error?.message ?? ipt.stderr.trim()}`;
  const add = run('useradd', ['--help']);
  if (add.error) return `no useradd: ${add.error.message}`;
  if (run('getent', ['group', 'docker']).status !== 0) return 'no docker group (the daemon socket would be closed to the user)';
  return undefined;
}

/** Rules a killed run left behind, for users that are gone since: removed. */
function sweepRules(): void {
  for (const line of run('iptables', ['-S', 'OUTPUT']).stdout.split('\n')) {
    const m = new RegExp(`-d (\\S+) .*--uid-owner (\\d+) .*--comment ${COMMENT}:([a-z0-9-]+) `).exec(line);
    if (m && run('id', ['-u', m[3]!]).status !== 0) run('iptables', ['-D', ...ruleArgs(Number(m[2]), m[1]!, m[3]!)]);
  }
}

function chownTree(p: string, uid: number, gid: number): void {
  chownSync(p, uid, gid);
  if (lstatSync(p).isDirectory()) for (const e of readdirSync(p)) chownTree(path.join(p, e), uid, gid);
}

export function restrictedUser(name: string): RestrictedUser | { skip: string } {
  const why = cannot();
  if (why) return { skip: why };
  sweepRules();
  run('userdel', [name]);
  const add = run('useradd', ['--system', '--no-create-home', '--gid', 'docker', '--shell', '/usr/sbin/nologin', name]);
  if (add.status !== 0) return { skip: `useradd ${name} failed: ${add.stderr.trim()}` };
  const uid = Number(run('id', ['-u', name]).stdout.trim());
  const gid = Number(run('id', ['-g', name]).stdout.trim());
  const added: string[][] = [];
  const remove = () => {
    for (const r of added) run('iptables', ['-D', ...r]);
    run('userdel', [name]);
  };
  try {
    for (const range of RANGES) {
      const r = run('iptables', ['-I', ...ruleArgs(uid, range, name)]);
      if (r.status !== 0) throw new Error(`iptables -I ${ruleArgs(uid, range, name).join(' ')}: ${r.stderr.trim()}`);
      added.push(ruleArgs(uid, range, name));
    }
    // Spawned with uid/gid, Node drops supplementary groups: docker is the user's primary group.
    const node = spawnSync(process.execPath, ['-e', '0'], { uid, gid, cwd: '/' });
    if (node.status !== 0) {
      remove();
      return { skip: `${process.execPath} cannot be run by another user (${node.error?.message ?? `exit ${node.status}`}): install Node.js where every user can run it` };
    }
    const canRead = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(path.join(root, 'dist/cli/index.js'))})`], { uid, gid, cwd: '/' });
    let bin = repoBin;
    if (canRead.status !== 0) {
      // The repo is closed to other users (a clone under /root): the bundle runs from a copy.
      const copy = tempDir('kdrill-bundle-');
      chmodSync(copy, 0o755);
      for (const p of ['bin', 'dist', 'package.json']) cpSync(path.join(root, p), path.join(copy, p), { recursive: true });
      bin = path.join(copy, 'bin/kdrill.js');
    }
    return { name, uid, gid, bin, own: (dir) => chownTree(dir, uid, gid), remove };
  } catch (err) {
    remove();
    throw err;
  }
}
