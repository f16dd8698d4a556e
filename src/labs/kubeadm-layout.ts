/**
 * kubeadm's layout of a control-plane node, shared by every lab whose nodes follow it: the etcd lab
 * (kind-shaped containers), kind (kubeadm nodes) and the user's own kubeadm hosts.
 */

/** Where kubeadm keeps etcd's CA, server, peer and healthcheck-client certificates. */
export const PKI_DIR = '/etc/kubernetes/pki/etcd';
/** kubeadm's etcd data dir, a hostPath the etcd Pod mounts at the same path. */
export const ETCD_DATA_DIR = '/var/lib/etcd';
export const ETCD_CLIENT_PORT = 2379;

/** The chapter's etcdctl TLS flags: kubeadm's server cert also carries client auth. */
export const ETCDCTL_TLS = [`--cacert=${PKI_DIR}/ca.crt`, `--cert=${PKI_DIR}/server.crt`, `--key=${PKI_DIR}/server.key`];

/** etcdctl on a control-plane node, against its own member: the chapter's flags. */
export const ETCDCTL_LOCAL = [`--endpoints=https://127.0.0.1:${ETCD_CLIENT_PORT}`, ...ETCDCTL_TLS];

/** The folder kubelet watches for static Pods. */
export const MANIFESTS_DIR = '/etc/kubernetes/manifests';
/** Where kdrill parks a stopped static Pod's manifest: outside the folder kubelet watches. */
export const PARKED_DIR = '/etc/kubernetes/kdrill-stopped';
export const MANIFEST = `${MANIFESTS_DIR}/etcd.yaml`;
export const PARKED = `${PARKED_DIR}/etcd.yaml`;

/** Inside a node: the running containers of a static Pod's component (crictl talks to the node's runtime). */
export const findPodArgv = (component: string): string[] => ['crictl', 'ps', '--name', component, '--state', 'running', '--quiet'];
/** Inside a node: the running etcd container's id. */
export const FIND_ETCD_ARGV: readonly string[] = findPodArgv('etcd');

/** Inside a node: `argv` run in its etcd container, where etcdctl (and etcdutl on some images) are. */
export const etcdInNodeArgv = (etcdContainer: string, argv: readonly string[], stdin = false): string[] => ['crictl', 'exec', ...(stdin ? ['-i'] : []), etcdContainer, ...argv];

/** `crictl ps --quiet` prints one id a line; the first running container is the one. */
export function parseContainerId(stdout: string): string | undefined {
  return stdout.split('\n').map((l) => l.trim()).find(Boolean);
}
