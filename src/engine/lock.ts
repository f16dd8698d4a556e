import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LabError } from './errors.js';

/**
 * One kdrill run per lab at a time, machine-wide: two runs on the same lab would remove each
 * other's containers. The lock is a file created exclusively; a lock whose process is gone is stale.
 * Machine-wide means every user's runs too (a lab kept by one user, adopted by another): the folder
 * is shared like /tmp (1777: anyone creates a lock, only its owner removes it).
 */
const LOCKS = path.join(os.tmpdir(), 'kdrill-locks');
const lockFile = (dir: string, provider: string, name: string): string => path.join(dir, `${provider}-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.lock`);

/** The pid of the live kdrill run that holds the lab's lock, or undefined (no lock, or a stale one). */
export function lockHolder(provider: string, name: string, dir = LOCKS): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(lockFile(dir, provider, name), 'utf8').trim());
  } catch {
    return undefined;
  }
  return pid && alive(pid) ? pid : undefined;
}

/**
 * Locks this process holds, by file, with how many holders: a campaign holds its lab's lock from its
 * first round to its last, and each round's run takes it again inside; the lock goes with the last
 * release (taken again by the same pid, it was seen as stale and the inner run's release freed it).
 */
const held = new Map<string, number>();

export function lockLab(provider: string, name: string, dir = LOCKS): () => void {
  shared(dir);
  const file = lockFile(dir, provider, name);
  const count = held.get(file);
  if (count !== undefined) {
    held.set(file, count + 1);
    return releaser(file);
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      held.set(file, 1);
      return releaser(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') throw new LabError(`cannot lock lab ${name}: ${dir} is not writable by this user (another user made it): chmod 1777 ${dir}`);
      if (code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (pid && pid !== process.pid && alive(pid)) {
        throw new LabError(`lab ${name} (${provider}) is in use by another kdrill run (pid ${pid}); wait for it, or stop it with Ctrl-C so that its restore runs`);
      }
      try {
        rmSync(file, { force: true }); // stale: its run is gone
      } catch {
        throw new LabError(`lab ${name} (${provider}): the stale lock ${file} of another user's run (pid ${pid}, gone) is theirs to remove, or root's`);
      }
    }
  }
  throw new LabError(`could not lock lab ${name} (${file})`);
}

/** A release that counts once however often it is called; the file goes with the last holder. */
function releaser(file: string): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const left = (held.get(file) ?? 1) - 1;
    if (left > 0) {
      held.set(file, left);
      return;
    }
    held.delete(file);
    rmSync(file, { force: true });
  };
}

/** Makes the locks folder, or opens up one this user made before (umask or an older kdrill: 755). */
function shared(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o1777 });
  const st = statSync(dir);
  if (st.uid === process.getuid?.() && (st.mode & 0o1777) !== 0o1777) chmodSync(dir, 0o1777);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
