import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import type { TestCluster } from './cluster.js';

const run = promisify(execFile);

/** docker, argv only: stdout, or the failure's words. */
async function docker(args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const r = await run('docker', args, { encoding: 'utf8', timeout: 30_000 });
    // etcdctl 3.4's `endpoint health` prints its verdicts on stderr.
    return { ok: true, out: `${r.stdout}${r.stderr}` };
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? e.message}` };
  }
}

const TLS = ['--cacert=/etc/kubernetes/pki/etcd/ca.crt', '--cert=/etc/kubernetes/pki/etcd/server.crt', '--key=/etc/kubernetes/pki/etcd/server.key'];

/**
 * What is not at its steady state on the test hosts, seen through docker, not through kdrill: each
 * host's container running, kubelet active, etcd.yaml and kube-apiserver.yaml in
 * /etc/kubernetes/manifests and nothing left in kdrill's parking folder, every etcd member healthy
 * (`endpoint health --cluster` over mTLS) and no alarm. An empty list is steady.
 */
export async function hostsSteady(lab: TestCluster): Promise<string[]> {
  const problems: string[] = [];
  for (const h of lab.hosts) {
    const state = await docker(['container', 'inspect', '--format', '{{.State.Status}}', h.container]);
    if (state.out.trim() !== 'running') { problems.push(`${h.name}: ${state.out.trim()}`); continue; }
    const kubelet = await docker(['exec', h.container, 'systemctl', 'is-active', 'kubelet']);
    if (kubelet.out.trim() !== 'active') problems.push(`${h.name}: kubelet ${kubelet.out.trim()}`);
    const manifests = await docker(['exec', h.container, 'ls', '/etc/kubernetes/manifests']);
    for (const m of ['etcd.yaml', 'kube-apiserver.yaml']) if (!manifests.out.split('\n').includes(m)) problems.push(`${h.name}: ${m} not in /etc/kubernetes/manifests`);
    // etcd.yaml's etcd-data hostPath names a data dir that exists (a restore repoints it).
    const manifest = await docker(['exec', h.container, 'cat', '/etc/kubernetes/manifests/etcd.yaml']);
    if (manifest.ok) {
      const volumes = (parse(manifest.out) as { spec?: { volumes?: Array<{ name: string; hostPath?: { path: string } }> } }).spec?.volumes ?? [];
      const data = volumes.find((v) => v.name === 'etcd-data')?.hostPath?.path;
      if (!data) problems.push(`${h.name}: etcd.yaml has no etcd-data hostPath`);
      else if (!(await docker(['exec', h.container, 'test', '-d', `${data}/member`])).ok) problems.push(`${h.name}: etcd.yaml points at ${data}, which holds no member data`);
    }
    const parked = await docker(['exec', h.container, 'sh', '-c', 'ls /etc/kubernetes/kdrill-stopped 2>/dev/null; true']);
    if (parked.out.trim()) problems.push(`${h.name}: left in /etc/kubernetes/kdrill-stopped: ${parked.out.trim().split('\n').join(', ')}`);
  }
  const first = lab.hosts[0]!.container;
  // Members that were just brought back get ten seconds to answer.
  const end = Date.now() + 10_000;
  for (;;) {
    const health = await docker(['exec', first, 'etcdctl', '--endpoints=https://127.0.0.1:2379', ...TLS, '--dial-timeout=1s', '--command-timeout=2s', 'endpoint', 'health', '--cluster']);
    const healthy = health.out.split('\n').filter((l) => / is healthy/.test(l)).length;
    if (healthy === lab.hosts.length) break;
    if (Date.now() > end) { problems.push(`etcd: ${healthy} of ${lab.hosts.length} members healthy: ${health.out.trim()}`); break; }
    await new Promise((r) => setTimeout(r, 500));
  }
  const alarms = await docker(['exec', first, 'etcdctl', '--endpoints=https://127.0.0.1:2379', ...TLS, 'alarm', 'list']);
  if (alarms.out.trim()) problems.push(`etcd alarms: ${alarms.out.trim()}`);
  return problems;
}
