#!/usr/bin/env bash
# Builds the local etcd image kdrill/etcd:3.4.23 for the etcd lab, the "tiny" way (LAB-FACTS.md):
# a rootfs with Debian's etcd and etcdctl, the glibc libraries they need and busybox, imported with
# `docker import` (seconds, no image registry). Where a registry is reachable, the lab can use
# `image: registry.k8s.io/etcd:3.5.x` instead. Idempotent: pass --force to rebuild.
set -euo pipefail
source "$(dirname "$0")/lib/rootfs.sh"
IMAGE=${KDRILL_ETCD_IMAGE:-kdrill/etcd:3.4.23}
if image_present "$IMAGE" "" "${1:-}"; then exit 0; fi
started=$(date +%s.%N)
need_host_etcd
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
etcd_rootfs "$root"
install_busybox "$root" sh cat ls mkdir rm mv cp sleep echo env ps kill ip ping wget hostname df du true false
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
chmod 1777 "$root/tmp"
chmod 700 "$root/var/lib/etcd"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' --change 'ENV ETCDCTL_API=3' \
  --change 'CMD ["etcd", "--config-file", "/etc/kubernetes/etcd.yaml"]' \
  - "$IMAGE" >/dev/null
say_built "$IMAGE" "$started"
