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
