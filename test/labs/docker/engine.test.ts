import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommandRunner } from '../../../src/exec/runner.js';
import { DockerEngine } from '../../../src/exec/docker/engine.js';
import { docker, dockerQuiet, skipLab } from '../helpers.js';

// The same docker commands through the Engine API and through the real docker CLI, on real docker:
// same exit codes, same output (as parsed by kdrill), same effect on the containers.
const IMAGE = 'kdrill/etcd:3.4.23';
const tag = `kdeng${process.pid % 10000}`;
const LABEL = `dev.kdrill.test=${tag}`;
const NET = `${tag}-net`;
const name = (s: string): string => `${tag}-${s}`;

const cli = new CommandRunner(undefined, null);
const engineUsed: string[] = [];
const api = new CommandRunner(undefined, DockerEngine.fromEnv({ ...process.env, KDRILL_DOCKER: undefined })!);
api.onCommand((c) => { if (c.via === 'engine') engineUsed.push(c.argv.slice(1, 3).join(' ')); });

const createArgv = (n: string, ip: string): string[] => [
  'docker', 'create', '--name', name(n), '--hostname', name(n), '--network', NET, '--ip', ip, '--publish', '127.0.0.1::2379',
  '--label', LABEL, '--label', 'io.x-k8s.kind.role=control-plane', '--label', 'dev.kdrill.bare', '--stop-signal', 'SIGTERM', IMAGE, 'sleep', '300',
];

const inspect = (n: string) => JSON.parse(docker('container', 'inspect', name(n)))[0];

/** Every file and folder under `dir`, with its mode and content. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      const mode = (statSync(full).mode & 0o777).toString(8);
      out[`${rel}${e.name}`] = e.isDirectory() ? `dir ${mode}` : `${mode} ${readFileSync(full, 'utf8')}`;
      if (e.isDirectory()) walk(full, `${rel}${e.name}/`);
    }
  };
  walk(dir, '');
  return out;
}

describe.skipIf(skipLab)('docker commands through the Engine API = through the CLI (real docker)', () => {
  const host = mkdtempSync(path.join(tmpdir(), 'kdrill-engine-'));

  beforeAll(async () => {
    await cli.run(['docker', 'network', 'create', '--driver', 'bridge', '--subnet', '10.250.77.0/24', '--gateway', '10.250.77.1', '--label', LABEL, NET]);
    // A small tree to copy: a folder, a nested one, modes kdrill cares about (keys are 0600).
    mkdirSync(path.join(host, 'src', 'pki', 'etcd'), { recursive: true });
    writeFileSync(path.join(host, 'src', 'etcd.yaml'), 'name: a\n');
    writeFileSync(path.join(host, 'src', 'pki', 'etcd', 'ca.key'), 'secret\n');
    chmodSync(path.join(host, 'src', 'pki', 'etcd', 'ca.key'), 0o600);
    writeFileSync(path.join(host, 'src', 'pki', 'etcd', `${'long-name-'.repeat(12)}.crt`), 'a name over 100 bytes\n');
  });

  afterAll(() => {
    for (const c of docker('ps', '-aq', '--filter', `label=${LABEL}`).split('\n').filter(Boolean)) dockerQuiet('rm', '-f', c);
    dockerQuiet('network', 'rm', NET);
  });

  it('create: the same container as the CLI makes (name, hostname, labels, stop signal, fixed IP, published port, command)', async () => {
    await cli.run(createArgv('by-cli', '10.250.77.11'));
    const r = await api.run(createArgv('by-api', '10.250.77.12'));
    expect(r.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    const [a, b] = [inspect('by-cli'), inspect('by-api')];
    expect(b.Config.Hostname).toBe(name('by-api'));
    expect(b.Config.Labels).toEqual(a.Config.Labels);
    expect(b.Config.Labels['dev.kdrill.bare']).toBe('');
    expect(b.Config.StopSignal).toBe(a.Config.StopSignal);
    expect(b.Config.Cmd).toEqual(a.Config.Cmd);
    expect(b.Config.Image).toBe(a.Config.Image);
    expect(b.HostConfig.NetworkMode).toBe(a.HostConfig.NetworkMode);
    expect(b.NetworkSettings.Networks[NET].IPAMConfig).toEqual({ IPv4Address: '10.250.77.12' });
    expect(b.HostConfig.PortBindings).toEqual({ '2379/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
    expect(b.HostConfig.PortBindings).toEqual(a.HostConfig.PortBindings);
    expect(b.Config.ExposedPorts).toEqual(a.Config.ExposedPorts);
    const dup = await api.run(createArgv('by-api', '10.250.77.13'), { allowFailure: true });
    expect(dup.exitCode).toBe(1);
    expect(dup.stderr).toMatch(/Conflict.*already in use/);
  });

  it('start, pause, unpause, stop, kill: the same states, the same refusals', async () => {
    for (const r of [cli, api]) {
      const c = r === cli ? 'by-cli' : 'by-api';
      await r.run(['docker', 'start', name(c)]);
      expect(inspect(c).State.Running).toBe(true);
      await r.run(['docker', 'pause', name(c)]);
      expect(inspect(c).State.Paused).toBe(true);
      await r.run(['docker', 'unpause', name(c)]);
      expect(inspect(c).State.Paused).toBe(false);
      await r.run(['docker', 'kill', '--signal', 'KILL', name(c)]);
      expect(inspect(c).State).toMatchObject({ Running: false, ExitCode: 137 });
      const again = await r.run(['docker', 'kill', '--signal', 'KILL', name(c)], { allowFailure: true });
      expect(again.exitCode).toBe(1);
      expect(again.stderr).toMatch(/is not running/);
      await r.run(['docker', 'start', name(c)]);
      await r.run(['docker', 'stop', '--time', '1', name(c)]);
      expect(inspect(c).State.Running).toBe(false);
    }
    expect(engineUsed).toEqual(expect.arrayContaining(['start ' + name('by-api'), 'kill --signal', 'stop --time', 'pause ' + name('by-api')]));
  });

  it('container inspect and ps: the same answer, missing names included', async () => {
    const args = ['docker', 'container', 'inspect', name('by-cli'), name('nope')];
    const [a, b] = [await cli.run(args, { allowFailure: true }), await api.run(args, { allowFailure: true })];
    expect(b.exitCode).toBe(a.exitCode);
    expect(a.exitCode).toBe(1);
    expect(JSON.parse(b.stdout).map((x: { Id: string }) => x.Id)).toEqual(JSON.parse(a.stdout).map((x: { Id: string }) => x.Id));
    expect(b.stderr).toMatch(/No such container/);
    const ps = ['docker', 'ps', '--all', '--filter', `label=${LABEL}`, '--format', '{{.Names}}'];
    const sorted = (s: string) => s.split('\n').filter(Boolean).sort();
    expect(sorted((await api.run(ps)).stdout)).toEqual(sorted((await cli.run(ps)).stdout));
    expect(sorted((await api.run(ps)).stdout)).toEqual([name('by-api'), name('by-cli')]);
  });

  it('network: inspect, disconnect, connect on a fixed IP, an overlapping subnet, removal refused while in use', async () => {
    const [a, b] = [await cli.run(['docker', 'network', 'inspect', NET]), await api.run(['docker', 'network', 'inspect', NET])];
    expect(JSON.parse(b.stdout)[0].IPAM.Config).toEqual(JSON.parse(a.stdout)[0].IPAM.Config);
    expect((await api.run(['docker', 'network', 'inspect', `${NET}-nope`], { allowFailure: true })).exitCode).toBe(1);
    await api.run(['docker', 'start', name('by-api')]);
    await api.run(['docker', 'network', 'disconnect', NET, name('by-api')]);
    expect(Object.keys(inspect('by-api').NetworkSettings.Networks)).not.toContain(NET);
    await api.run(['docker', 'network', 'connect', '--ip', '10.250.77.12', NET, name('by-api')]);
    expect(inspect('by-api').NetworkSettings.Networks[NET].IPAddress).toBe('10.250.77.12');
    const overlap = ['docker', 'network', 'create', '--driver', 'bridge', '--subnet', '10.250.77.0/24', '--gateway', '10.250.77.1', '--label', LABEL, `${NET}2`];
    const [oc, oa] = [await cli.run(overlap, { allowFailure: true }), await api.run(overlap, { allowFailure: true })];
    expect([oc.exitCode, oa.exitCode]).toEqual([1, 1]);
    expect(oa.stderr).toMatch(/overlap/i);
    const rm = await api.run(['docker', 'network', 'rm', NET], { allowFailure: true });
    expect(rm.exitCode).toBe(1);
    expect(rm.stderr).toMatch(/active endpoints/);
    await api.run(['docker', 'stop', '--time', '0', name('by-api')]);
  });

  it('cp into a container and out of it: the files land where the CLI puts them, with their modes', async () => {
    const src = path.join(host, 'src');
    writeFileSync(path.join(host, 'other.yaml'), 'name: b\n');
    const cases: Array<[string, string, string]> = [
      ['contents into a new folder', `${src}/.`, '/etc/kubernetes'],
      ['a folder into an existing folder', src, '/tmp'],
      ['a folder to a new name', src, '/var/lib/etcd-restored-1'],
      ['a file over a file', path.join(host, 'other.yaml'), '/etc/kubernetes/etcd.yaml'],
      ['a file to a new name', path.join(host, 'other.yaml'), '/etc/kubernetes/new.yaml'],
    ];
    for (const [, from, to] of cases) {
      await cli.run(['docker', 'cp', from, `${name('by-cli')}:${to}`]);
      await api.run(['docker', 'cp', from, `${name('by-api')}:${to}`]);
    }
    // Out again, by the CLI for both, then the same out-cases through each.
    const outCases: Array<[string, string]> = [
      ['/etc/kubernetes/pki', ''], // into an existing folder: out/pki/...
      ['/etc/kubernetes/pki/etcd/.', 'etcd-contents'], // contents into an existing folder
      ['/etc/kubernetes/etcd.yaml', 'new-name.yaml'], // a file to a new path
      ['/var/lib/etcd-restored-1', 'restored'], // a folder to a new name
      ['/tmp/src', ''],
      ['/etc/kubernetes/new.yaml', 'new.yaml'],
    ];
    const outs: Record<string, string> = {};
    for (const r of [cli, api]) {
      const c = r === cli ? 'by-cli' : 'by-api';
      const out = mkdtempSync(path.join(host, `out-${c}-`));
      mkdirSync(path.join(out, 'etcd-contents'));
      for (const [from, to] of outCases) await r.run(['docker', 'cp', `${name(c)}:${from}`, path.join(out, to)]);
      outs[c] = out;
    }
    const [a, b] = [tree(outs['by-cli']!), tree(outs['by-api']!)];
    expect(b).toEqual(a);
    expect(b['pki/etcd/ca.key']).toBe('600 secret\n');
    expect(b['etcd-contents/ca.key']).toBe('600 secret\n');
    expect(b['new-name.yaml']).toBe('644 name: b\n');
    expect(b['new.yaml']).toBe('644 name: b\n');
    expect(b[`restored/pki/etcd/${'long-name-'.repeat(12)}.crt`]).toMatch(/over 100 bytes/);
    const missing = await api.run(['docker', 'cp', `${name('by-api')}:/no/such/file`, host], { allowFailure: true });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/could not find the file/i);
  });

  it('image inspect --format {{.Id}} and rm --force: as the CLI', async () => {
    const args = ['docker', 'image', 'inspect', '--format', '{{.Id}}', IMAGE];
    expect((await api.run(args)).stdout).toBe((await cli.run(args)).stdout);
    expect((await api.run(['docker', 'image', 'inspect', '--format', '{{.Id}}', 'kdrill/none:0'], { allowFailure: true })).exitCode).toBe(1);
    await api.run(['docker', 'rm', '--force', '--volumes', name('by-api'), name('by-cli')]);
    expect(docker('ps', '-aq', '--filter', `label=${LABEL}`)).toBe('');
    // Like the CLI (23+): --force on a container that is not there is no error.
    expect((await api.run(['docker', 'rm', '--force', name('gone')])).exitCode).toBe(0);
  });

  it('leaves what it does not know to the CLI, and says which commands it served', async () => {
    const seen: Array<{ argv: readonly string[]; via?: string }> = [];
    const r = new CommandRunner(undefined, DockerEngine.fromEnv({ ...process.env, KDRILL_DOCKER: undefined })!);
    r.onCommand((c) => seen.push(c));
    const ps = await r.run(['docker', 'ps', '--all', '--filter', `label=${LABEL}`, '--format', '{{.ID}}']);
    expect(ps.exitCode).toBe(0);
    await r.run(['docker', 'version', '--format', '{{.Server.Version}}']);
    await r.run(['docker', 'network', 'inspect', NET]);
    expect(seen.map((c) => c.via ?? 'cli')).toEqual(['cli', 'cli', 'engine']);
  });
});
