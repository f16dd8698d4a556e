import { dockerHostKind, type DockerHostKind } from '../docker/host.js';

/**
 * etcd on kind: each control-plane node runs a stacked etcd member as a static Pod, with kubeadm's
 * certs under /etc/kubernetes/pki/etcd/. Two ways in:
 *  - direct (Linux): copy the certs out with `docker cp`, dial every member on its node IP :2379;
 *  - exec (Docker Desktop, where node IPs are not reachable from the host):
 *    `docker exec <node> crictl exec <etcd container> etcdctl … -w json`.
 */

import { ETCD_CLIENT_PORT, PKI_DIR } from '../kubeadm-layout.js';

export { ETCD_CLIENT_PORT, ETCD_DATA_DIR, ETCDCTL_LOCAL, etcdInNodeArgv, FIND_ETCD_ARGV, parseContainerId, PKI_DIR } from '../kubeadm-layout.js';

export interface EtcdCertFiles {
  ca: string;
  cert: string;
  key: string;
}

/** Copies the node's whole etcd PKI folder into `dest` (which must exist): `SRC/.` copies its contents. */
export function certCopyArgv(node: string, dest: string): string[] {
  return ['docker', 'cp', `${node}:${PKI_DIR}/.`, dest];
}

export function certFilesIn(dir: string): EtcdCertFiles {
  return { ca: `${dir}/ca.crt`, cert: `${dir}/server.crt`, key: `${dir}/server.key` };
}

export const memberUrl = (ip: string): string => `https://${ip}:${ETCD_CLIENT_PORT}`;

export type EtcdAccessMode = 'direct' | 'exec';

/** auto: direct only where node IPs are routed to this machine (a native engine here), else exec. */
export function etcdAccessMode(setting: 'auto' | 'direct' | 'exec', host: DockerHostKind = dockerHostKind().kind): EtcdAccessMode {
  if (setting !== 'auto') return setting;
  // Docker Desktop runs containers in a VM, rootless docker in a namespace of its own, a remote
  // engine elsewhere: the nodes' IPs answer only a native engine's host.
  return host === 'local' ? 'direct' : 'exec';
}
