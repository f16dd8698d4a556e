import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LabError } from './errors.js';

/**
 * One kdrill run per lab at a time, machine-wide: two runs on the same lab would remove each
 * other's containers. The lock is a file created exclusively; a lock whose process is gone is stale.
 */
export function lockLab(provider: string, name: string, dir = path.join(os.tmpdir(), 'kdrill-locks')): () => void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${provider}-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (pid && pid !== process.pid && alive(pid)) {
        throw new LabError(`lab ${name} (${provider}) is in use by another kdrill run (pid ${pid}); wait for it, or stop it with Ctrl-C so that its restore runs`);
      }
      rmSync(file, { force: true }); // stale: its run is gone
    }
  }
  throw new LabError(`could not lock lab ${name} (${file})`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
