#!/usr/bin/env bash
# Builds kdrill/kind-node:etcd-3.4.23: a TEST DOUBLE of a kind node image (kindest/node) for the
# kind lab's tests here, where kind, kubelet and containerd cannot run (LAB-FACTS.md). Made the
# "tiny" way, offline, in seconds: Debian's etcd 3.4.23 and etcdctl, their glibc libraries and
# busybox, imported with `docker import`.
#   PID 1    /usr/local/bin/kubelet-double   runs the static Pods of /etc/kubernetes/manifests (here: etcd)
#   crictl   /usr/bin/crictl                 the crictl test double (ps, exec, stop, logs, inspect)
#   etcd     /usr/bin/etcd, /usr/bin/etcdctl (no etcdutl in 3.4; registry.k8s.io/etcd has none either)
# The kind CLI test double (test/fakes/kind/kind) runs it and copies kubeadm's etcd PKI and the
# etcd.yaml manifest in, and runs the nodes with kindest/node's stop signal, SIGRTMIN+3 (`docker
# import` cannot set STOPSIGNAL; the kubelet double also stops on SIGTERM). No kubelet, no API server.
# Idempotent: rebuilt only when missing or when its inputs changed (label dev.kdrill.inputs);
# --force rebuilds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/rootfs.sh"
IMAGE=${KDRILL_KIND_NODE_IMAGE:-kdrill/kind-node:etcd-3.4.23}
inputs=$(cat "$here/build-kind-node-image.sh" "$here/lib/rootfs.sh" "$here/kind-node/kubelet-double" "$here/kind-node/crictl" | sha256sum | cut -c1-16)
if image_present "$IMAGE" "$inputs" "${1:-}"; then exit 0; fi
started=$(date +%s.%N)
need_host_etcd
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
etcd_rootfs "$root"
mkdir -p "$root"/{run,root,var/log/pods,etc/kubernetes/manifests}
install_busybox "$root" "${NODE_APPLETS[@]}"
install_node_doubles "$root"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
chmod 1777 "$root/tmp"
chmod 700 "$root/var/lib/etcd"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' --change 'ENV ETCDCTL_API=3' \
  --change 'LABEL dev.kdrill.test-double=kind-node' --change "LABEL dev.kdrill.inputs=$inputs" \
  --change 'CMD ["/usr/local/bin/kubelet-double"]' \
  - "$IMAGE" >/dev/null
say_built "$IMAGE" "$started"
