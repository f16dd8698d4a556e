import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lockHolder, lockLab } from '../../src/engine/lock.js';
import { LabError } from '../../src/engine/errors.js';
import { tempDir } from '../helpers/kdrill.js';

describe('one kdrill run per lab', () => {
  it('refuses a lab locked by a live process, naming it', async () => {
    const dir = tempDir();
    const other = spawn('sleep', ['10']);
    try {
      writeFileSync(path.join(dir, 'etcd-lab1.lock'), `${other.pid}\n`);
      expect(() => lockLab('etcd', 'lab1', dir)).toThrow(LabError);
      expect(() => lockLab('etcd', 'lab1', dir)).toThrow(new RegExp(`in use by another kdrill run \\(pid ${other.pid}\\)`));
      // another lab is free
      lockLab('etcd', 'lab2', dir)();
    } finally {
      other.kill();
    }
  });

  it('takes over a stale lock (its process is gone) and releases it', async () => {
    const dir = tempDir();
    const gone = spawn('true');
    await new Promise((r) => gone.on('exit', r));
    writeFileSync(path.join(dir, 'etcd-lab1.lock'), `${gone.pid}\n`);
    const unlock = lockLab('etcd', 'lab1', dir);
    expect(existsSync(path.join(dir, 'etcd-lab1.lock'))).toBe(true);
    unlock();
    expect(existsSync(path.join(dir, 'etcd-lab1.lock'))).toBe(false);
  });

  it('taken again by the same process (a campaign round inside the campaign), it stays until the last release', () => {
    const dir = tempDir();
    const file = path.join(dir, 'etcd-lab1.lock');
    const outer = lockLab('etcd', 'lab1', dir);
    const inner = lockLab('etcd', 'lab1', dir);
    inner();
    inner(); // a second call of one release does not count twice
    expect(lockHolder('etcd', 'lab1', dir)).toBe(process.pid);
    // The file names this live process: another kdrill run is refused between two rounds.
    expect(readFileSync(file, 'utf8')).toBe(`${process.pid}\n`);
    outer();
    expect(existsSync(file)).toBe(false);
  });

  it('the locks folder is shared by every user, like /tmp (a kept lab adopted by another user takes the same lock)', () => {
    const made = path.join(tempDir(), 'kdrill-locks');
    lockLab('etcd', 'lab1', made)();
    expect(statSync(made).mode & 0o7777).toBe(0o1777);
    // one an older kdrill (or a umask) made 755: opened up by its owner
    const old = path.join(tempDir(), 'kdrill-locks');
    mkdirSync(old);
    chmodSync(old, 0o755);
    lockLab('etcd', 'lab1', old)();
    expect(statSync(old).mode & 0o7777).toBe(0o1777);
  });
});
