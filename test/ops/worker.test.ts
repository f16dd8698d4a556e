import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandRunner } from '../../src/exec/runner.js';
import { createWorker, removeWorker, workerContainer, workerSchema, type WorkerTarget } from '../../src/labs/etcd/worker.js';
import { psqlArgv, workerSql } from '../../src/labs/etcd/sql.js';

const hasDocker = (() => {
  try {
    execFileSync('docker', ['image', 'inspect', 'kdrill/postgres:15'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const lab = `kdt-ops-worker-${process.pid}`;
const network = `${lab}-net`;
const env = { runner: new CommandRunner(), signal: new AbortController().signal, log: () => {} };
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();

describe('worker schema', () => {
  it('takes the short form and fills the defaults', () => {
    expect(workerSchema.parse('postgres')).toEqual({ type: 'postgres', image: 'kdrill/postgres:15', database: 'app' });
    expect(workerSchema.parse({ type: 'postgres', image: 'postgres:16', database: 'bookstore' }).image).toBe('postgres:16');
    expect(workerSchema.safeParse('mysql').success).toBe(false);
    expect(workerSchema.safeParse({ type: 'postgres', database: 'x; drop' }).success).toBe(false);
  });
  it('refuses a pod target: the etcd lab has none', () => {
    expect(() => psqlArgv('l', workerSchema.parse('postgres'), 'select 1', { pod: 'postgres-0' })).toThrow(/no pods/);
  });
});

describe.skipIf(!hasDocker && !process.env.CI)('worker on real docker', () => {
  const t: WorkerTarget = { lab, network, spec: workerSchema.parse('postgres') };
  beforeAll(() => {
    docker('network', 'create', network);
  });
  afterAll(() => {
    execFileSync('docker', ['rm', '-f', workerContainer(lab)], { stdio: 'ignore' });
    execFileSync('docker', ['network', 'rm', network], { stdio: 'ignore' });
  });

  it('creates a kind-shaped, labelled worker whose rows survive a restart, and adopts it on a second up', async () => {
    expect(await createWorker(env, t)).toBe(true);
    const labels = JSON.parse(docker('inspect', '--format', '{{json .Config.Labels}}', workerContainer(lab)));
    expect(labels).toMatchObject({ 'io.x-k8s.kind.cluster': lab, 'io.x-k8s.kind.role': 'worker', 'dev.kdrill.lab': lab });
    const sql = workerSql(lab, t.spec);
    const ctx = { runner: env.runner, signal: env.signal };
    await sql.query(ctx, 'CREATE TABLE ha_demo (id int primary key, note text)', {});
    await sql.query(ctx, "INSERT INTO ha_demo VALUES (1, 'survives')", {});
    expect(await sql.query(ctx, 'SELECT note FROM ha_demo WHERE id = 1', {})).toBe('survives');
    await expect(sql.query(ctx, 'SELECT * FROM no_such_table', {})).rejects.toThrow(/no_such_table/);

    docker('stop', '--time', '5', workerContainer(lab));
    expect(await createWorker(env, t)).toBe(false); // adopted and started, not duplicated
    expect(await sql.query(ctx, 'SELECT note FROM ha_demo', {})).toBe('survives');
    expect(await removeWorker(env, lab)).toBe(true);
    expect(await removeWorker(env, lab)).toBe(false);
  });

  it('never touches a container of that name without the lab label', async () => {
    docker('run', '-d', '--name', `${lab}-stranger-worker`, '--entrypoint', '/bin/sleep', 'kdrill/postgres:15', '60');
    try {
      const strangerLab = `${lab}-stranger`;
      await expect(createWorker(env, { ...t, lab: strangerLab })).rejects.toThrow(/without the label/);
      expect(await removeWorker(env, strangerLab)).toBe(false);
      expect(docker('inspect', '--format', '{{.State.Running}}', `${strangerLab}-worker`)).toBe('true');
    } finally {
      execFileSync('docker', ['rm', '-f', `${lab}-stranger-worker`], { stdio: 'ignore' });
    }
  });
});
