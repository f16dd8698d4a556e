#!/usr/bin/env bash
# Builds every local lab image (idempotent). Used by .ci/run and documented as the offline default.
set -euo pipefail
cd "$(dirname "$0")"
for s in build-etcd-image.sh build-postgres-image.sh; do
  if [ -f "$s" ]; then bash "$s"; fi
done
bash build-kind-node-image.sh   # kdrill/kind-node:etcd-3.4.23: kind-shaped node TEST DOUBLE (test/labs/kind/harness.ts)
bash build-kubeadm-host-image.sh   # kdrill/kubeadm-host:etcd-3.4.23: ssh-reached kubeadm host, systemctl/kubelet/crictl/kube-apiserver TEST DOUBLES (scripts/kubeadm-test-hosts.mjs)
