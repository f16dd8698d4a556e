import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDrill } from '../../src/drill/loader.js';
import { DrillRun } from '../../src/engine/run.js';
import { EventBus } from '../../src/engine/events.js';
import { CommandRunner } from '../../src/exec/runner.js';
import { exitCodeOfStatus } from '../../src/cli/exit.js';
import { modules } from '../../src/cli/modules.js';
import { tempDir } from '../helpers/kdrill.js';

const HOURS = 3_600_000;

/**
 * A duration no timer can hold, built in-process past `validate` (which refuses it): the engine must
 * still run every restore step and end with a verdict, not throw (exit 4 with the lab left up).
 */
describe('engine: a step timeout that cannot be a timer', () => {
  it.each([
    ['2000h (AbortSignal.timeout throws a RangeError)', 2000 * HOURS],
    ['1000h (setTimeout overflows and fires after 1 ms)', 1000 * HOURS],
    ['NaN', Number.NaN],
  ])('%s: the restore still runs, in order, and the run ends with a verdict', async (_name, timeoutMs) => {
    const dir = tempDir('kdc-engine-');
    const log = path.join(dir, 'log');
    const drill = parseDrill(`apiVersion: kdrill/v1
kind: Drill
metadata: {name: kdc-timeout}
lab: {provider: local}
params: {log: x}
steps:
  - {name: step, action: exec, with: {run: [sh, -c, 'sleep 0.05; echo step >> "$0"', "\${params.log}"]}}
restore:
  - {name: first, action: exec, with: {run: [sh, -c, 'sleep 0.05; echo first >> "$0"', "\${params.log}"]}}
  - {name: second, action: exec, with: {run: [sh, -c, 'echo second >> "$0"', "\${params.log}"]}}
`, path.join(dir, 'd.yaml'), { modules, set: { log } });
    drill.steps[0]!.timeoutMs = timeoutMs;
    drill.restore[0]!.timeoutMs = timeoutMs;
    const events = new EventBus();
    const result = await new DrillRun({
      drill, runDir: dir, labStateDir: dir, runner: new CommandRunner(undefined, null), events,
      interrupt: new AbortController().signal, exitCodeOf: exitCodeOfStatus,
    }).run();
    expect(existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []).toEqual(['step', 'first', 'second']);
    expect(result).toMatchObject({ status: 'passed', exitCode: 0 });
    expect(events.events.at(-1)).toMatchObject({ type: 'drill.end', status: 'passed' });
  });
});
