import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommandRunner } from '../../src/exec/runner.js';
import { createContext } from '../../src/engine/context.js';
import { EventBus } from '../../src/engine/events.js';
import type { Context } from '../../src/engine/types.js';
import { EtcdLab } from '../../src/labs/etcd/index.js';
import { etcdLabSchema, networkName } from '../../src/labs/etcd/spec.js';
import type { LabEnv } from '../../src/labs/types.js';

/** Real docker and the local etcd image; in CI both must be there (the tests then never skip). */
export const hasEtcdImage = (() => {
  try {
    execFileSync('docker', ['image', 'inspect', 'kdrill/etcd:3.4.23'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
export const skipLab = !hasEtcdImage && !process.env.CI;

export const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();
/** stdout and stderr together (etcdctl 3.4 prints `endpoint health` on stderr). */
export const dockerAll = (...args: string[]): string => {
  const r = spawnSync('docker', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return `${r.stdout}${r.stderr}`.trim();
};
export const dockerQuiet = (...args: string[]): void => {
  try {
    execFileSync('docker', args, { stdio: 'ignore' });
  } catch {
    /* already gone */
  }
};

export function labEnv(): LabEnv {
  return {
    runner: new CommandRunner(),
    signal: new AbortController().signal,
    log: () => {},
    drillDir: process.cwd(),
    stateDir: mkdtempSync(path.join(tmpdir(), 'kdrill-lab-')),
  };
}

/** A real etcd lab named for the test file and process (unique across parallel runs). */
export function makeLab(name: string, extra: Record<string, unknown> = {}): EtcdLab {
  const spec = etcdLabSchema.parse({ provider: 'etcd', name: `${name}-${process.pid % 10000}`, ...extra });
  return new EtcdLab(spec, labEnv());
}

export function makeContext(lab: EtcdLab): Context & { events: EventBus } {
  const events = new EventBus();
  const ctx = createContext({ runner: lab.env.runner, lab, events, signal: new AbortController().signal, runDir: lab.env.stateDir, drillDir: process.cwd() });
  return Object.assign(ctx, { events });
}

/** Removes everything a test lab may have left (by label), even if the test failed half-way. */
export function forceRemove(lab: EtcdLab): void {
  removeEtcdLab(lab.name);
}

/** The same for an etcd lab a kdrill process made, known by its name only: its containers (kdrill's label) and network. */
export function removeEtcdLab(name: string): void {
  const ids = docker('ps', '-aq', '--filter', `label=dev.kdrill.lab=${name}`).split('\n').filter(Boolean);
  if (ids.length) dockerQuiet('rm', '-f', '-v', ...ids);
  dockerQuiet('network', 'rm', networkName(name));
}
