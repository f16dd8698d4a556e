import { shellQuote } from '../exec/errors.js';
import { ETCD_DATA_DIR, MANIFESTS_DIR, PARKED_DIR } from '../labs/kubeadm-layout.js';
import type { LabFacts } from './lab-facts.js';
import { sh, slot } from './shell.js';

/** A command that reads the operator's stdin: docker exec needs -i for it (ssh passes it on). */
const withInput = (argv: string[]): string[] => (argv[0] === 'docker' && argv[1] === 'exec' ? ['docker', 'exec', '-i', ...argv.slice(2)] : argv);

/** A loop an operator can leave running: it ends when every member answers healthy. */
const waitHealthy = (facts: LabFacts): string =>
  `until ${sh(facts.etcdctl(facts.members[0]!.node, ['endpoint', 'health', '--cluster']))} >/dev/null 2>&1; do sleep 1; done`;

/**
 * A full restore by hand: every member stopped, the SAME snapshot restored for each with its own
 * --name and peer URL, the whole --initial-cluster and a new token, each member pointed at its new
 * data dir, all started. A new logical cluster (a new cluster ID).
 */
export function restoreLines(facts: LabFacts, file: string, token?: string): string[] {
  const initialCluster = facts.members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  const vars = [
    `TOKEN=${token !== undefined ? shellQuote(token) : `${shellQuote(`${facts.name}-restored-`)}$(date +%s)`}  # a NEW cluster token: this is a new cluster`,
    'RESTORED=/var/lib/etcd-restored-$(date +%Y%m%d-%H%M%S)  # a fresh data dir; the old one stays until you remove it',
  ];
  // kubeadm's names and peer URLs are shell variables ($CP1_NAME) read in the prerequisites.
  const variable = (v: string) => v.includes('$');
  const raw: Record<string, string> = { token: '"$TOKEN"', restored: '"$RESTORED"', cluster: `"${initialCluster}"` };
  facts.members.forEach((m, i) => Object.assign(raw, { [`name${i}`]: variable(m.name) ? `"${m.name}"` : shellQuote(m.name), [`peer${i}`]: variable(m.peerUrl) ? `"${m.peerUrl}"` : shellQuote(m.peerUrl) }));
  const restoreArgs = (m: LabFacts['members'][number], snapshot: string, dataDir: string) => {
    const i = facts.members.indexOf(m);
    return [
      'snapshot', 'restore', snapshot, '--name', slot(`name${i}`), '--initial-cluster', slot('cluster'),
      '--initial-cluster-token', slot('token'), '--initial-advertise-peer-urls', slot(`peer${i}`), '--data-dir', dataDir,
    ];
  };
  const containers = facts.members.map((m) => m.where);

  if (facts.restore === 'containers') {
    const image = facts.image!;
    const run = (args: string[], extra: string[] = []) => [
      'docker', 'run', '--rm', '--network', 'none', '--volume', `${file}:/snapshot.db:ro`, ...extra, '--entrypoint', 'etcdctl', '--env', 'ETCDCTL_API=3', image, ...args,
    ];
    return [
      '# 0. the snapshot verifies (hash, revision, total keys) before anything is stopped',
      sh(run(['snapshot', 'status', '/snapshot.db', '-w', 'table'])),
      ...vars,
      '# 1. stop EVERY member: all of them restore the same snapshot',
      sh(['docker', 'stop', '-t', '10', ...containers]),
      '# 2. restore the snapshot once per member: its own --name and peer URL, the same --initial-cluster and token',
      'mkdir -p restore',
      ...facts.members.flatMap((m) => [
        sh(run(restoreArgs(m, '/snapshot.db', `/restore/${m.name}`), ['--volume', `${slot('pwd')}/restore:/restore`]), { ...raw, pwd: '"$PWD"' }),
        sh(['docker', 'cp', `restore/${m.name}`, `${m.where}:${slot('restored')}`], { restored: '"$RESTORED"' }),
      ]),
      '# 3. point each member\'s config at its restored data dir, with the new token (initial-cluster-state: new)',
      ...facts.members.flatMap((m) => [
        sh(['docker', 'cp', `${m.where}:/etc/kubernetes/etcd.yaml`, `etcd-${m.name}.yaml`]),
        `sed -i -e "s#^data-dir: .*#data-dir: $RESTORED#" -e "s#^initial-cluster-token: .*#initial-cluster-token: $TOKEN#" -e 's#^initial-cluster-state: .*#initial-cluster-state: new#' ${shellQuote(`etcd-${m.name}.yaml`)}`,
        sh(['docker', 'cp', `etcd-${m.name}.yaml`, `${m.where}:/etc/kubernetes/etcd.yaml`]),
      ]),
      '# 4. start them all at once (the first one waits for its peers), and wait until every member is healthy',
      sh(['docker', 'start', ...containers]),
      waitHealthy(facts),
    ];
  }

  // kubeadm's static Pods (kubeadm hosts, kind nodes): manifests out, the old data dir aside, the
  // snapshot restored into kubeadm's own path (etcd.yaml stays as kubeadm wrote it), manifests back.
  const nodes = facts.members.map((m) => m.node);
  const on = (node: string, argv: string[], r: Record<string, string> = {}) => sh(facts.on(node, argv), r);
  const onHost = facts.provider === 'kind';
  const aside = { aside: '"$ASIDE"' };
  return [
    '# 0. the snapshot verifies (hash, revision, total keys) before anything is stopped',
    sh(['etcdctl', 'snapshot', 'status', file, '-w', 'table']) + '  # or etcdutl snapshot status (etcd 3.5+)',
    vars[0]!,
    'ASIDE=/var/lib/etcd-before-restore-$(date +%Y%m%d-%H%M%S)  # where each old data dir goes; it stays until you remove it',
    '# 1. stop the API server, then etcd, on EVERY control plane: their manifests out of the folder kubelet watches',
    ...nodes.map((n) => on(n, ['mkdir', '-p', PARKED_DIR])),
    ...nodes.map((n) => on(n, ['mv', `${MANIFESTS_DIR}/kube-apiserver.yaml`, `${PARKED_DIR}/`])),
    ...nodes.map((n) => on(n, ['mv', `${MANIFESTS_DIR}/etcd.yaml`, `${PARKED_DIR}/`])),
    ...nodes.map((n) => `${on(n, ['crictl', 'ps', '--name', 'etcd', '--quiet'])}  # until it prints nothing`),
    '# 2. on each member: the old data dir aside, the SAME snapshot restored into /var/lib/etcd with its own --name',
    '#    and peer URL (from its etcd.yaml, see the prerequisites), the same --initial-cluster and the new token',
    ...facts.members.flatMap((m) => [
      on(m.node, ['mv', ETCD_DATA_DIR, slot('aside')], aside),
      ...(onHost
        ? [
          sh(['etcdctl', ...restoreArgs(m, file, `restore/${m.name}`)], raw) + '  # on this machine (or etcdutl): a kind node has no etcdctl outside the etcd Pod',
          sh(['docker', 'cp', `restore/${m.name}`, `${m.where}:${ETCD_DATA_DIR}`]),
        ]
        : [
          `${sh(withInput(facts.on(m.node, ['tee', '/var/lib/etcd-snapshot.db'])))} < ${shellQuote(file)} > /dev/null`,
          on(m.node, ['etcdctl', ...restoreArgs(m, '/var/lib/etcd-snapshot.db', ETCD_DATA_DIR)], raw) + '  # or etcdutl snapshot restore',
        ]),
    ]),
    '# 3. etcd back on every control plane; once every member is healthy, the API servers',
    ...nodes.map((n) => on(n, ['mv', `${PARKED_DIR}/etcd.yaml`, `${MANIFESTS_DIR}/`])),
    waitHealthy(facts),
    ...nodes.map((n) => on(n, ['mv', `${PARKED_DIR}/kube-apiserver.yaml`, `${MANIFESTS_DIR}/`])),
  ];
}
