import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommandRunner } from '../../src/exec/runner.js';
import { CommandError, prettyCommand, shellQuote } from '../../src/exec/errors.js';

// Real processes: the runner is the one seam every external command goes through.
describe('CommandRunner', () => {
  const runner = new CommandRunner();

  it('passes argv untouched: no shell ever interprets drill text', async () => {
    const r = await runner.run(['echo', '$(id -u); `id`', '*']);
    expect(r.stdout).toBe('$(id -u); `id` *\n');
  });

  it('a failure carries the exact command line, paste-able, and the output', async () => {
    const err = await runner.run(['sh', '-c', 'echo boom >&2; exit 3', 'it\'s']).catch((e) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect(err.exitCode).toBe(3);
    expect(err.command).toBe(`sh -c 'echo boom >&2; exit 3' 'it'\\''s'`);
    expect(err.message).toMatch(/exited with code 3: sh -c .*\n\s+boom/);
    // the printed command really is the command: the shell reproduces the argv
    expect(execFileSync('sh', ['-c', `printf '%s|' ${prettyCommand(['a b', "c'd", '$x'])}`]).toString()).toBe("a b|c'd|$x|");
  });

  it('a timeout kills the whole process group, not just the shell', async () => {
    const marker = `${Date.now() % 100000}.25`;
    const started = Date.now();
    const err = await runner.run(['sh', '-c', `sleep ${marker}; echo never`], { timeout: 300 }).catch((e) => e);
    expect(err.reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(execFileSync('ps', ['-eo', 'args']).toString()).not.toContain(`sleep ${marker}`);
  });

  it('an abort stops the command', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const err = await runner.run(['sleep', '20'], { signal: ac.signal }).catch((e) => e);
    expect(err.reason).toBe('aborted');
  });

  it('finishOnAbort: the command runs to its end, then the abort is reported; without it, it is cut', async () => {
    // The Docker daemon finishes a create whose client went away (measured: containers and networks
    // made after curl's 15 ms timeout); such commands are run to their end so that their effect is known.
    const dir = mkdtempSync(path.join(tmpdir(), 'kdrill-finish-'));
    const attempt = async (finishOnAbort: boolean, file: string) => {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      const started = Date.now();
      const err = await runner.run(['sh', '-c', 'sleep 0.6; touch "$0"', path.join(dir, file)], { signal: ac.signal, finishOnAbort }).catch((e) => e);
      return { err, ms: Date.now() - started, made: existsSync(path.join(dir, file)) };
    };
    const finished = await attempt(true, 'finished');
    expect(finished.err.reason).toBe('aborted');
    expect(finished.made).toBe(true);
    expect(finished.ms).toBeGreaterThanOrEqual(550);
    const cut = await attempt(false, 'cut');
    expect(cut.err.reason).toBe('aborted');
    expect(cut.ms).toBeLessThan(550);
    await new Promise((r) => setTimeout(r, 700));
    expect(existsSync(path.join(dir, 'cut'))).toBe(false);
    // Not started at all once aborted, finishOnAbort or not.
    const ac = new AbortController();
    ac.abort();
    const refused = await runner.run(['sh', '-c', 'touch "$0"', path.join(dir, 'refused')], { signal: ac.signal, finishOnAbort: true }).catch((e) => e);
    expect(refused.reason).toBe('aborted');
    expect(existsSync(path.join(dir, 'refused'))).toBe(false);
  });

  it('says plainly when a tool is missing', async () => {
    const err = await runner.run(['kdrill-no-such-tool', '--version']).catch((e) => e);
    expect(err.message).toMatch(/"kdrill-no-such-tool" is not installed or not on PATH/);
  });

  it.each([['plain', 'plain'], ['', "''"], ['a b', "'a b'"], ["it's", "'it'\\''s'"], ['--label=a=b', '--label=a=b']])('shellQuote(%j) = %s', (arg, quoted) => {
    expect(shellQuote(arg)).toBe(quoted);
  });
});
