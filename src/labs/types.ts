import type { z } from 'zod';
import type { CommandRunner } from '../exec/runner.js';
import type { Capability } from '../engine/types.js';

/** What a lab needs to act: the process seam, logging and the run's abort signal. */
export interface LabEnv {
  runner: CommandRunner;
  signal: AbortSignal;
  log(message: string, level?: 'info' | 'warn' | 'error'): void;
  /** Folder of the drill file, for relative paths in the lab section. */
  drillDir: string;
  /** Folder for this lab's local state (certs copied out, kubeconfig). */
  stateDir: string;
}

export interface LabNode {
  /** The drill's short name: `control-plane`, `control-plane2`, `worker`. */
  name: string;
  /** The container (or VM) name: `<lab>-control-plane2`. */
  container: string;
  role: 'control-plane' | 'worker' | 'load-balancer';
}

/**
 * A lab provider (kind's `Provider` idea): one per kind of lab, one folder each under src/labs.
 * `schema` validates the drill's `lab:` section; `create` gives the lab object the engine drives.
 */
export interface LabProvider<S extends { provider: string } = any> {
  name: string;
  summary: string;
  schema: z.ZodType<S>;
  capabilities: Capability[];
  /** Node names known before the lab exists (used by `validate` to check `node:` params). */
  nodeNames(spec: S, ctx?: { drillDir?: string }): string[];
  create(spec: S, env: LabEnv): Lab;
}

export interface UpResult {
  /**
   * True when this run owns the lab and removes it at the end (unless `keep: true`): it created
   * it, or adopted one that an aborted kdrill run left behind. False for a lab that someone else
   * made (a kind cluster adopted with `reuse: true`): kdrill never deletes that.
   */
  created: boolean;
}

export interface Lab {
  provider: string;
  name: string;
  capabilities: Capability[];
  /** The env, rebound by the engine to each phase's abort signal. */
  env: LabEnv;
  /** Brings the lab up; on failure it removes whatever it created itself before throwing (LabError). */
  up(): Promise<UpResult>;
  /** Remove what this lab created (`created` from up), or everything it owns when `force`. */
  down(opts: { force?: boolean }): Promise<void>;
  /** Releases clients (etcd connections) whatever happened; called once at the very end of a run. */
  close?(): Promise<void>;
  nodes(): LabNode[];
  /** Operations `up` would perform, for --dry-run. */
  planUp(): string[];
  planDown(): string[];
  /** Provider-specific capabilities (etcd access, kube access, sql); see src/labs/*. */
  get<T>(capability: Capability): T | undefined;
}
