import { dockerHostKind, type DockerHostKind } from '../docker/host.js';

/**
 * etcd on kind: each control-plane node runs a stacked etcd member as a static Pod, with kubeadm's
 * certs under /etc/kubernetes/pki/etcd/. Two ways in:
 *  - direct (Linux): copy the certs out with `docker cp`, dial every member on its node IP :2379;
 *  - exec (Docker Desktop, where node IPs are not reachable from the host):
 *    `docker exec <node> crictl exec <etcd container> etcdctl … -w json`.
 */

import { ETCD_CLIENT_PORT, PKI_DIR } from '../kubeadm-layout.js';

export { ETCD_CLIENT_PORT, ETCD_DATA_DIR, ETCDCTL_LOCAL, PKI_DIR } from '../kubeadm-layout.js';

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

/** Inside a node: the running etcd container's id (kind's nodes run containerd; crictl talks to it). */
export const FIND_ETCD_ARGV: readonly string[] = ['crictl', 'ps', '--name', 'etcd', '--state', 'running', '--quiet'];

/** Inside a node: `argv` run in its etcd container, where etcdctl (and etcdutl on some images) are. */
export const etcdInNodeArgv = (etcdContainer: string, argv: readonly string[], stdin = false): string[] => ['crictl', 'exec', ...(stdin ? ['-i'] : []), etcdContainer, ...argv];

/** `crictl ps --quiet` prints one id a line; the first running etcd container is the member. */
export function parseContainerId(stdout: string): string | undefined {
  return stdout.split('\n').map((l) => l.trim()).find(Boolean);
}

export type EtcdAccessMode = 'direct' | 'exec';

/** auto: direct only where node IPs are routed to this machine (a native engine here), else exec. */
export function etcdAccessMode(setting: 'auto' | 'direct' | 'exec', host: DockerHostKind = dockerHostKind().kind): EtcdAccessMode {
  if (setting !== 'auto') return setting;
  // Docker Desktop runs containers in a VM, rootless docker in a namespace of its own, a remote
  // engine elsewhere: the nodes' IPs answer only a native engine's host.
  return host === 'local' ? 'direct' : 'exec';
}
