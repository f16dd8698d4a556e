import { describe, expect, it } from 'vitest';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { evaluateCheck } from '../../src/engine/checks.js';
import { createContext } from '../../src/engine/context.js';
import { EventBus } from '../../src/engine/events.js';
import { CommandRunner } from '../../src/exec/runner.js';
import { localProvider } from '../../src/labs/local/provider.js';
import { command } from '../../src/invariants/command.js';
import { tempDir } from '../helpers/kdrill.js';

// Real processes (`test -e`) against a real file that appears and disappears.
function ctx() {
  const runner = new CommandRunner();
  const signal = new AbortController().signal;
  const lab = localProvider.create({ provider: 'local', name: 'local' }, { runner, signal, log: () => {}, drillDir: '.', stateDir: '.' });
  return createContext({ runner, lab, events: new EventBus(), signal, runDir: '.', drillDir: '.' });
}

const exists = (file: string, withinMs: number, forMs = 0) => ({
  name: 'command', module: command, params: { run: ['test', '-e', file], exitCode: 0, timeout: '5s' }, withinMs, forMs, line: 1, col: 1,
});

describe('evaluateCheck: within and for', () => {
  it('polls until the check holds within the deadline', async () => {
    const f = path.join(tempDir(), 'later');
    setTimeout(() => writeFileSync(f, ''), 400);
    const o = await evaluateCheck(ctx(), exists(f, 3000), 'expect');
    expect(o.ok).toBe(true);
    expect(o.attempts).toBeGreaterThan(1);
    expect(o.durationMs).toBeGreaterThanOrEqual(350);
  });

  it('fails when within runs out, saying how often it tried', async () => {
    const o = await evaluateCheck(ctx(), exists('/no/such/file', 300), 'expect');
    expect(o.ok).toBe(false);
    expect(o.message).toMatch(/exited with 1 \(\d+ attempts in \d+ms\)/);
    expect(o.expected).toBe('exit code 0');
  });

  it('with `for`, a check that breaks during the hold fails', async () => {
    const f = path.join(tempDir(), 'flaky');
    writeFileSync(f, '');
    setTimeout(() => rmSync(f), 300);
    const o = await evaluateCheck(ctx(), exists(f, 200, 1500), 'invariant');
    expect(o.ok).toBe(false);
    expect(o.message).toMatch(/held for \d+ms of the required 1500ms, then broke/);
  });

  it('with `for`, a check that keeps holding passes after at least `for`', async () => {
    const f = path.join(tempDir(), 'steady');
    writeFileSync(f, '');
    const o = await evaluateCheck(ctx(), exists(f, 100, 600), 'invariant');
    expect(o.ok).toBe(true);
    expect(o.durationMs).toBeGreaterThanOrEqual(600);
    expect(existsSync(f)).toBe(true);
  });
});
