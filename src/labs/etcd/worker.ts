import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { prettyCommand } from '../../exec/errors.js';
import type { CommandRunner } from '../../exec/runner.js';
import { inspectContainers } from '../docker/inspect.js';
import { imageRef } from '../docker/image.js';

/**
 * The etcd lab's worker node: a kind-shaped `<lab>-worker` container running PostgreSQL, the app
 * data the seeds' Bookstore keeps in a PVC. It lives beside the control plane so a drill can show
 * that losing (or restoring) etcd does not touch it: cluster state is not app data.
 */

export const DEFAULT_WORKER_IMAGE = 'kdrill/postgres:15';
export const OWNER_LABEL = 'dev.kdrill.lab';

const workerObject = z.strictObject({
  type: z.literal('postgres').describe('What the worker runs (only postgres for now)'),
  image: imageRef.default(DEFAULT_WORKER_IMAGE)
    .describe('kdrill/postgres:15 (built by scripts/build-postgres-image.sh) or postgres:16 where a registry is reachable'),
  database: z.string().regex(/^[a-z_][a-z0-9_]*$/, { message: 'expected a plain database name such as app' }).default('app')
    .describe('Database created on first start (POSTGRES_DB)'),
});

/** `worker: postgres` or `worker: {type: postgres, image: postgres:16, database: bookstore}`. */
export const workerSchema = z
  .union([z.literal('postgres'), workerObject])
  .transform((w) => (typeof w === 'string' ? workerObject.parse({ type: w }) : w))
  .describe('A worker node with app data: postgres');

export type WorkerSpec = z.output<typeof workerObject>;

export interface WorkerTarget {
  lab: string;
  /** The lab's docker network. */
  network: string;
  /** A fixed IP on that network, so a restarted control-plane node can never lose its IP to the worker. */
  ip?: string;
  spec: WorkerSpec;
}

export interface WorkerEnv {
  runner: CommandRunner;
  signal: AbortSignal;
  log(message: string, level?: 'info' | 'warn' | 'error'): void;
}

export const workerContainer = (lab: string): string => `${lab}-worker`;

export function workerRunArgv(t: WorkerTarget): string[] {
  const name = workerContainer(t.lab);
  return [
    'docker', 'run', '--detach', '--name', name, '--hostname', name,
    '--network', t.network, ...(t.ip ? ['--ip', t.ip] : []),
    '--label', `io.x-k8s.kind.cluster=${t.lab}`, '--label', 'io.x-k8s.kind.role=worker',
    '--label', `${OWNER_LABEL}=${t.lab}`,
    // Trust auth: the lab is throwaway and psql runs inside the container (the official image needs it said).
    '--env', `POSTGRES_DB=${t.spec.database}`, '--env', 'POSTGRES_HOST_AUTH_METHOD=trust',
    t.spec.image,
  ];
}

/**
 * Ready = accepting TCP connections on 127.0.0.1. The official image's first-start server listens on
 * the socket only, then restarts; asking over TCP waits for the real one.
 */
export function workerReadyArgv(t: Pick<WorkerTarget, 'lab' | 'spec'>): string[] {
  return ['docker', 'exec', workerContainer(t.lab), 'pg_isready', '-q', '-h', '127.0.0.1', '-U', 'postgres', '-d', t.spec.database];
}

export function planWorkerUp(t: WorkerTarget): string[] {
  return [prettyCommand(workerRunArgv(t)), `${prettyCommand(workerReadyArgv(t))}  # until it answers`];
}

export function planWorkerDown(lab: string): string[] {
  return [prettyCommand(['docker', 'rm', '--force', '--volumes', workerContainer(lab)])];
}

/** The worker's owner label and state, or undefined when no such container exists. */
async function inspect(env: WorkerEnv, name: string): Promise<{ owner: string; running: boolean } | undefined> {
  const info = (await inspectContainers(env.runner, [name], env.signal)).get(name);
  return info && { owner: info.labels[OWNER_LABEL] ?? '', running: info.running };
}

/**
 * Creates the worker, or adopts one left over by an aborted run of the same lab (started if it was
 * stopped). A container of that name without the lab's label is never touched. Returns whether it was created.
 */
export async function createWorker(env: WorkerEnv, t: WorkerTarget, readyTimeoutMs = 60_000): Promise<boolean> {
  const name = workerContainer(t.lab);
  const found = await inspect(env, name);
  if (found && found.owner !== t.lab) {
    throw new Error(`a container named ${name} exists without the label ${OWNER_LABEL}=${t.lab}: kdrill will not touch it; remove or rename it`);
  }
  if (found) {
    env.log(`worker ${name}: left over from an earlier run, reused`);
    if (!found.running) await env.runner.run(['docker', 'start', name], { signal: env.signal, timeout: 30_000 });
  } else {
    await env.runner.run(workerRunArgv(t), { signal: env.signal, timeout: 60_000, finishOnAbort: true });
  }
  await waitWorkerReady(env, t, readyTimeoutMs);
  return !found;
}

export async function waitWorkerReady(env: WorkerEnv, t: Pick<WorkerTarget, 'lab' | 'spec'>, timeoutMs = 60_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = '';
  for (;;) {
    const r = await env.runner.run(workerReadyArgv(t), { signal: env.signal, timeout: 10_000, allowFailure: true });
    if (r.exitCode === 0) return;
    last = (r.stderr || r.stdout).trim() || `pg_isready exit code ${r.exitCode}`;
    if (performance.now() > deadline) {
      throw new Error(`worker ${workerContainer(t.lab)}: PostgreSQL not ready after ${timeoutMs} ms (${last}); try: ${prettyCommand(['docker', 'logs', workerContainer(t.lab)])}`);
    }
    await delay(250, undefined, { signal: env.signal });
  }
}

/** Removes the worker if it carries this lab's label; anything else of that name is left alone. */
export async function removeWorker(env: WorkerEnv, lab: string): Promise<boolean> {
  const name = workerContainer(lab);
  const found = await inspect(env, name);
  if (!found) return false;
  if (found.owner !== lab) {
    env.log(`${name} is not labelled ${OWNER_LABEL}=${lab}: left alone`, 'warn');
    return false;
  }
  await env.runner.run(['docker', 'rm', '--force', '--volumes', name], { signal: env.signal, timeout: 60_000 });
  return true;
}
