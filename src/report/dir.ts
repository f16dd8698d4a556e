import { accessSync, constants, mkdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { describe } from '../drill/read.js';
import { UsageError } from '../engine/errors.js';

/** The longest name a run folder holds (report.json, junit.xml, summary.md, timeline.svg, report.html, journal.jsonl). */
const LONGEST_FILE = 'journal.jsonl';
const NAME_MAX = 255;
const PATH_MAX = 4096;

/** A run folder's name: the start time, with nothing a file system or a shell minds (2026-12-02T13-34-27-376Z). */
export function runTimestamp(now = new Date()): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

/**
 * Makes a run's report folder, one component at a time, before any lab exists. A recursive mkdir
 * loops for ever under /proc (ENOENT on the child, EEXIST on the parent) and reports a file in the
 * way as a bare ENOTDIR; here every problem is a UsageError (exit 2) naming the folder and why.
 * With `create: false` (a dry run) nothing is written: it checks what exists and the names' lengths.
 */
export function makeRunDir(runDir: string, what: string, create: boolean): void {
  const dir = path.resolve(runDir);
  const fail = (why: string): never => {
    throw new UsageError(`${what}: cannot write the reports in ${dir}: ${why}`);
  };
  checkLengths(path.join(dir, LONGEST_FILE), fail);
  let at = path.parse(dir).root;
  for (const part of dir.slice(at.length).split(path.sep).filter(Boolean)) {
    const parent = at;
    at = path.join(at, part);
    const st = existing(at, fail);
    if (st && !st.isDirectory()) fail(`${at} is ${describe(st)}, not a folder`);
    if (st) continue;
    if (!create) return writable(parent, fail);
    try {
      mkdirSync(at);
    } catch (err) {
      if (!existing(at, fail)?.isDirectory()) fail(`cannot make the folder ${at}: ${reason(err)}`);
    }
  }
  writable(dir, fail);
}

/** A file name longer than the file system allows fails only when written: said before anything runs. */
export function checkLengths(file: string, fail: (why: string) => never): void {
  for (const part of file.split(path.sep)) {
    const n = Buffer.byteLength(part);
    if (n > NAME_MAX) fail(`the name "${part.slice(0, 40)}…" is ${n} bytes long; a file name is at most ${NAME_MAX}`);
  }
  if (Buffer.byteLength(file) >= PATH_MAX) fail(`the path is longer than the ${PATH_MAX - 1} bytes a path can be`);
}

function existing(p: string, fail: (why: string) => never): Stats | undefined {
  try {
    return statSync(p);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : fail(`${p}: ${reason(err)}`);
  }
}

function writable(dir: string, fail: (why: string) => never): void {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    fail(`${dir}: ${reason(err)}`);
  }
}

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const why: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'not permitted',
    EROFS: 'a read-only file system',
    ENOSPC: 'no space left on the device',
    ENOENT: 'its file system takes no new folders (such as /proc)',
    ENOTDIR: 'a part of the path is not a folder',
    ENAMETOOLONG: 'the name is too long for the file system',
    ELOOP: 'a loop of symbolic links',
    EEXIST: 'something that is not a folder is in the way (a symbolic link to a missing folder?)',
  };
  return why[code] ?? (err as Error).message;
}
