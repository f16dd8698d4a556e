import { stringify } from 'yaml';
import { parseDuration } from '../../drill/duration.js';
import type { EtcdLabSpec } from './spec.js';
import { parseBytes } from '../../drill/units.js';

export const PKI = '/etc/kubernetes/pki';
export const CONFIG_FILE = '/etc/kubernetes/etcd.yaml';
export const DATA_DIR = '/var/lib/etcd';

export interface MemberConfig {
  /** Member name = node name = container name, as kubeadm does. */
  name: string;
  ip: string;
  /** `name=https://ip:2380` for every member. */
  initialCluster: string;
  state?: 'new' | 'existing';
  dataDir?: string;
}

/**
 * The etcd config file of one member, shaped like kubeadm's stacked etcd static Pod flags. A file
 * (not flags) so that a member replace or a restore can rewrite initial-cluster-state and data-dir
 * with a `docker cp` before `docker start`, as kubeadm points the Pod at /var/lib/etcd-restored.
 */
export function memberConfig(spec: EtcdLabSpec, m: MemberConfig, token: string): string {
  const etcd = `${PKI}/etcd`;
  const cfg: Record<string, unknown> = {
    name: m.name,
    'data-dir': m.dataDir ?? DATA_DIR,
    'listen-client-urls': `https://127.0.0.1:2379,https://${m.ip}:2379`,
    'advertise-client-urls': `https://${m.ip}:2379`,
    'listen-peer-urls': `https://${m.ip}:2380`,
    'initial-advertise-peer-urls': `https://${m.ip}:2380`,
    'listen-metrics-urls': 'http://127.0.0.1:2381',
    'initial-cluster': m.initialCluster,
    'initial-cluster-state': m.state ?? 'new',
    'initial-cluster-token': token,
    'snapshot-count': 10000,
    'heartbeat-interval': spec.heartbeat ? parseDuration(spec.heartbeat) : 100,
    'election-timeout': spec.election ? parseDuration(spec.election) : 1000,
    // etcd 3.4 defaults to false, 3.5 (what kubeadm and kind run) to true: the lab behaves like 3.5.
    'pre-vote': spec.preVote,
    'client-transport-security': {
      'cert-file': `${etcd}/server.crt`, 'key-file': `${etcd}/server.key`,
      'client-cert-auth': true, 'trusted-ca-file': `${etcd}/ca.crt`,
    },
    'peer-transport-security': {
      'cert-file': `${etcd}/peer.crt`, 'key-file': `${etcd}/peer.key`,
      'client-cert-auth': true, 'trusted-ca-file': `${etcd}/ca.crt`,
    },
  };
  if (spec.quota !== undefined) cfg['quota-backend-bytes'] = parseBytes(spec.quota);
  return stringify(cfg);
}
