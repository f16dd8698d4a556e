import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, runKdrill, tempDir } from '../../helpers/kdrill.js';
import { clusterContainers, dockerRun, ensureKindNodeImage, forceRemove, skipKindStandIn, standInEnv } from './harness.js';

/**
 * `kdrill lab up | status | env | down` on the kind lab, against the kind CLI TEST DOUBLE
 * (test/fakes/kind/kind) and its kind-shaped nodes (real docker, real etcd 3.4.23 in kubeadm's layout,
 * a crictl test double in each node): the trainer's commands as a student runs them, in bash. Three
 * control planes and kind's load balancer; no workers (nothing here needs them).
 */
const tag = process.pid % 10000;
const cluster = `kdt-lk-${tag}`;
const network = `kdt-${tag}-kind`;
const dir = tempDir('kdt-kind-lab-');
const stateDir = path.join(dir, 'state');
const config = path.join(dir, 'kind-3cp.yaml');
writeFileSync(config, 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: control-plane\n- role: control-plane\n');
const file = path.join(dir, 'lab.yaml');
writeFileSync(file, `provider: kind\nname: ${cluster}\nconfig: ${config}\n`);
const env = { ...standInEnv({ network }), KDRILL_STATE_DIR: stateDir } as Record<string, string>;
const kdrill = (...args: string[]) => runKdrill(args, env);

/** The student's shell: the helper of `lab env`, then `script`. */
function student(script: string) {
  const sh = spawnSync('bash', ['-c', `eval "$(node '${bin}' lab env '${file}')" && ${script}`], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: sh.status, out: `${sh.stdout}${sh.stderr}` };
}

describe.skipIf(skipKindStandIn)('kdrill lab on kind (the kind CLI test double)', () => {
  beforeAll(() => {
    ensureKindNodeImage();
    forceRemove(cluster);
  });
  afterAll(() => forceRemove(cluster, network));

  it('up; status shows the nodes, 3 members and one leader; env gives etcd in bash and KUBECONFIG; a stopped first node moves the helper; down leaves nothing', async () => {
    const up = await kdrill('lab', 'up', file);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(new RegExp(`^lab ${cluster} \\(kind\\): created in [\\d.]+ s; held until kdrill lab down`));

    const status = await kdrill('lab', 'status', file);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`\\| +external-load-balancer \\| +${cluster}-external-load-balancer \\| load-balancer \\| running \\|`));
    expect(status.stdout.match(new RegExp(`\\| +[0-9a-f]+ \\| started \\| +${cluster}-control-plane\\d? \\|`, 'g'))).toHaveLength(3);
    expect(status.stdout).toMatch(/^3 of 3 members healthy, quorum 2: quorum holds; leader control-plane\d?$/m);

    const envOut = await kdrill('lab', 'env', file);
    expect(envOut.code, envOut.stderr).toBe(0);
    // etcdctl in the node's etcd container (crictl exec), as on a real kind node.
    expect(envOut.stdout).toContain(`etcd() { 'docker' 'exec' '-i' '${cluster}-control-plane' 'sh' '-c' 'crictl exec`);
    const table = student('etcd member list -w table && printf "KUBECONFIG=%s\\n" "$KUBECONFIG"');
    expect(table.code, table.out).toBe(0);
    expect(table.out.match(new RegExp(`\\| +[0-9a-f]+ \\| started \\| +${cluster}-control-plane\\d? \\|`, 'g'))).toHaveLength(3);
    const kubeconfig = /^KUBECONFIG=(.+)$/m.exec(table.out)?.[1];
    expect(kubeconfig?.startsWith(stateDir)).toBe(true);
    expect(readFileSync(kubeconfig!, 'utf8')).toMatch(/server: https:\/\//);

    // The first node stopped: status says so, 2 of 3 healthy; the helper runs in the next running member.
    // (kind reads the kubeconfig out of that very node: `kind get kubeconfig` fails, the one written at up stays.)
    expect(dockerRun('stop', `${cluster}-control-plane`).code).toBe(0);
    const after = await kdrill('lab', 'status', file);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stderr).toContain('kind get kubeconfig failed');
    expect(after.stdout.match(/\| +false \| +[\d.]+ms \| node stopped \|/g)).toHaveLength(1);
    expect(after.stdout).toMatch(new RegExp(`\\| +control-plane \\| +${cluster}-control-plane \\| control-plane \\| stopped \\(exited, exit \\d+\\) \\|`));
    expect(after.stdout).toMatch(/^2 of 3 members healthy, quorum 2: quorum holds; /m);
    expect((await kdrill('lab', 'env', file)).stdout).toContain(`'docker' 'exec' '-i' '${cluster}-control-plane2'`);
    const health = student('etcd endpoint health --cluster');
    expect(health.out.match(/is healthy/g)).toHaveLength(2);

    const down = await kdrill('lab', 'down', file);
    expect(down.code, down.stderr).toBe(0);
    expect(clusterContainers(cluster)).toEqual([]);
    expect(existsSync(path.join(stateDir, 'labs', `kind-${cluster}`))).toBe(false);
  });
});
