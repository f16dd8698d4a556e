import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { remoteCommand, remoteQuote } from '../../../src/labs/kubeadm/remote-command.js';

// What a remote login shell does with kdrill's command line, done by this machine's sh (`sh -c
// <line>` is what sshd runs): no ssh, no docker. The ssh half is test/labs/kubeadm/ssh.test.ts.
const cwd = mkdtempSync(path.join(tmpdir(), 'kdh-quote-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
/**
 * Runs the line as sshd would: without input, stdin stays open until the command has exited (as
 * kdrill's runner keeps it; its end is the abort signal to the watcher).
 */
function remote(argv: string[], input?: string): Promise<{ code: number | null; out: string }> {
  const child = spawn('sh', ['-c', remoteCommand(argv, { input: input !== undefined })], { cwd });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stdin.on('error', () => undefined);
  if (input !== undefined) child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => { child.stdin.destroy(); resolve({ code, out }); }));
}

describe('remote command lines', () => {
  it.each([
    ['$(touch pwned)'], ['; touch pwned'], ['`touch pwned`'], ["it's"], ["'"], ["''\\''"], ['"x"'], ['a\nb'], ['-n'], ['--'], [' a  b '], ['*'], [''], ['$HOME'], ['\\'], ['~'], ['#'], ['!'], ['x\ty'],
  ])('%j reaches the command as one literal argument', async (w) => {
    expect((await remote(['printf', '<%s>', w])).out).toBe(`<${w}>`);
    expect((await remote(['printf', '<%s>', w], '')).out).toBe(`<${w}>`);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('quotes every word, even a plain one, and refuses a NUL', () => {
    expect(remoteQuote('etcdctl')).toBe("'etcdctl'");
    expect(remoteQuote("it's")).toBe("'it'\\''s'");
    expect(() => remoteQuote('a\0b')).toThrow(/NUL byte/);
  });

  it("keeps the command's exit code; with input, the command reads it", async () => {
    expect((await remote(['sh', '-c', 'exit 7'])).code).toBe(7);
    expect((await remote(['no-such-command-kdh'])).code).toBe(127);
    expect((await remote(['cat'], 'data\n')).out).toBe('data\n');
    // Without input the command's stdin is empty (the session's stdin is the abort watcher's).
    expect(await remote(['cat'])).toEqual({ code: 0, out: '' });
  });

  it('the session stdin ending (the ssh client gone) kills the command', async () => {
    const child = spawn('sh', ['-c', remoteCommand(['sleep', '30'])], { cwd });
    const started = Date.now();
    setTimeout(() => child.stdin.end(), 200);
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(143);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
