import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseDrill } from '../../../src/drill/loader.js';
import { DrillRun } from '../../../src/engine/run.js';
import { EventBus } from '../../../src/engine/events.js';
import { CommandRunner } from '../../../src/exec/runner.js';
import { EtcdLab } from '../../../src/labs/etcd/index.js';
import { etcdLabSchema } from '../../../src/labs/etcd/spec.js';
import { docker, forceRemove, labEnv, skipLab } from '../helpers.js';
import { modules } from '../../../src/cli/modules.js';
import { exitCodeOfStatus } from '../../../src/cli/exit.js';

/**
 * Ctrl-C while the lab's containers are being created (found by the soak: a SIGINT 0.5 s into
 * lab up left two of three containers behind). Docker finishes a create whose client went away, so
 * a create cut short client-side makes a container kdrill never saw. Each case interrupts `up` the
 * moment one command of the given kind has finished (the others of its batch are in flight), then
 * takes the lab down as the engine does (a fresh signal), and checks that nothing of it is left.
 */
describe.skipIf(skipLab)('an interrupted lab up leaves nothing behind', () => {
  // [when, the command after which to interrupt, then how long to wait, lab spec]
  const cases: Array<[string, (argv: readonly string[]) => boolean, number, Record<string, unknown>]> = [
    ['the first member container is created', (a) => a[1] === 'create', 0, {}],
    ['the network is created', (a) => a[1] === 'network' && a[2] === 'create', 0, {}],
    ['the first member is started', (a) => a[1] === 'start', 0, {}],
    // createWorker inspects the name, then `docker run`s it: interrupt that run 30 ms in.
    ['the worker is being run', (a) => a[1] === 'container' && a[2] === 'inspect' && String(a[3]).endsWith('-worker'), 30, { worker: { type: 'postgres' } }],
  ];
  it.each(cases)('interrupted once %s', async (_when, trigger, afterMs, extra) => {
    const spec = etcdLabSchema.parse({ provider: 'etcd', name: `kdt-intup-${process.pid % 10000}`, ...extra });
    const interrupt = new AbortController();
    const runner = new CommandRunner(interrupt.signal);
    runner.onCommand((e) => {
      if (!interrupt.signal.aborted && trigger(e.argv)) setTimeout(() => interrupt.abort(), afterMs);
    });
    const lab = new EtcdLab(spec, { ...labEnv(), runner, signal: interrupt.signal });
    forceRemove(lab);
    try {
      await expect(lab.up()).rejects.toThrow();
      expect(interrupt.signal.aborted).toBe(true);
      // The engine's down phase: a fresh signal, the same runner's listeners.
      lab.env.signal = AbortSignal.timeout(120_000);
      lab.env.runner = runner.withSignal(lab.env.signal);
      await lab.down({});
      await delay(1_500); // time for a create the daemon was still doing to land
      expect(docker('ps', '-a', '--filter', `label=dev.kdrill.lab=${lab.name}`, '--format', '{{.Names}}')).toBe('');
      expect(docker('network', 'ls', '--filter', `name=^${lab.network}$`, '--format', '{{.Name}}')).toBe('');
    } finally {
      forceRemove(lab);
    }
  });
});

/**
 * Ctrl-C during lab down (found by the soak: the signal landed while the lab was being removed,
 * and the run exited 0 PASSED). The caller pressed Ctrl-C: exit 130, and the lab is still removed.
 */
describe.skipIf(skipLab)('a Ctrl-C during lab down', () => {
  it('still ends the run interrupted (exit 130), with the lab removed', async () => {
    const name = `kdt-intdown-${process.pid % 10000}`;
    const dir = mkdtempSync(path.join(tmpdir(), 'kdrill-intdown-'));
    const file = path.join(dir, 'drill.yaml');
    writeFileSync(file, [
      'apiVersion: kdrill/v1', 'kind: Drill', 'metadata: {name: intdown}',
      `lab: {provider: etcd, name: ${name}, members: 1}`,
      'steps:', '  - name: one write', '    action: etcd.put', '    with: {key: k, value: v}', '',
    ].join('\n'));
    const drill = parseDrill(readFileSync(file, 'utf8'), file, { modules });
    const interrupt = new AbortController();
    const runner = new CommandRunner();
    // The lab's first `docker rm` is lab down's (nothing was left over to remove at up).
    runner.onCommand((e) => { if (e.argv[1] === 'rm' && !interrupt.signal.aborted) interrupt.abort(); });
    const events = new EventBus();
    const lab = new EtcdLab(etcdLabSchema.parse(drill.lab), labEnv());
    forceRemove(lab);
    try {
      const result = await new DrillRun({ drill, runDir: dir, labStateDir: path.join(dir, 'state'), runner, events, interrupt: interrupt.signal, exitCodeOf: exitCodeOfStatus }).run();
      expect(interrupt.signal.aborted).toBe(true);
      expect(result).toMatchObject({ status: 'interrupted', exitCode: 130 });
      expect(events.events.find((e) => e.type === 'lab.down')).toMatchObject({ removed: true });
      expect(events.events.filter((e) => e.type === 'step.end').map((e) => (e as { status: string }).status)).toEqual(['passed']);
      expect(docker('ps', '-a', '--filter', `label=dev.kdrill.lab=${name}`, '--format', '{{.Names}}')).toBe('');
    } finally {
      forceRemove(lab);
    }
  });
});
