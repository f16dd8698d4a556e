import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '../..');
export const bin = path.join(root, 'bin/kdrill.js');

export interface Done {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Another user to run kdrill as (test/helpers/restricted-user.ts): its ids, and a launcher it can read. */
export interface RunAs {
  uid: number;
  gid: number;
  bin: string;
  /** Its working directory (the repo may be closed to it). */
  cwd: string;
}

/** Spawns the real `kdrill` binary (built by `npm test`'s pretest), as this user or as `as`. */
export function spawnKdrill(args: string[], env: Record<string, string> = {}, as?: RunAs): { child: ChildProcess; done: Promise<Done>; output: () => string } {
  const child = spawn(process.execPath, [as?.bin ?? bin, ...args], {
    cwd: as?.cwd ?? root,
    ...(as ? { uid: as.uid, gid: as.gid } : {}),
    env: { ...process.env, CI: 'true', GITHUB_ACTIONS: '', ...(as ? { HOME: as.cwd } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Done>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, output: () => stdout + stderr };
}

/** Resolves once the run printed `text` (its stdout and stderr arrive a little after the journal's events). */
export async function untilOutput(run: { output: () => string }, text: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!run.output().includes(text)) {
    if (Date.now() > end) throw new Error(`the run did not print ${JSON.stringify(text)} within ${timeoutMs} ms:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * For onTestFinished: a run a failed test left waiting (an exercise waits for its student forever) is
 * interrupted, so its restore runs and its lab lock goes before the next test; SIGKILL after 90 s.
 */
export async function interruptIfRunning(run: { child: ChildProcess; done: Promise<Done> }): Promise<void> {
  if (run.child.exitCode !== null || run.child.signalCode !== null) return;
  run.child.kill('SIGINT');
  const killer = setTimeout(() => run.child.kill('SIGKILL'), 90_000);
  await run.done;
  clearTimeout(killer);
}

export function runKdrill(args: string[], env?: Record<string, string>, as?: RunAs): Promise<Done> {
  return spawnKdrill(args, env, as).done;
}

export function tempDir(prefix = 'kdrill-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** The journal of the only run under a report dir, parsed line by line. */
export function journalOf(reportDir: string): { events: Array<Record<string, any>>; runDir: string } {
  const drillDirs = readdirSync(reportDir);
  const drillDir = path.join(reportDir, drillDirs[0]!);
  const runDir = path.join(drillDir, readdirSync(drillDir)[0]!);
  const file = path.join(runDir, 'journal.jsonl');
  const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
  return { events: lines.map((l) => JSON.parse(l)), runDir };
}

/** Resolves when `predicate` holds on the journal, polling (the journal is written as events happen). */
export async function waitForJournal(reportDir: string, predicate: (events: Array<Record<string, any>>) => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      if (predicate(journalOf(reportDir).events)) return;
    } catch {
      // not there yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`journal under ${reportDir} did not reach the expected state in ${timeoutMs}ms`);
}
