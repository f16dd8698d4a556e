#!/usr/bin/env bash
# Builds kdrill/kubeadm-host:etcd-3.4.23: the kubeadm lab's test hosts, reached over a REAL OpenSSH
# server like a Vagrant inventory's VMs (ssh on 127.0.0.1, one published port per host). Made the
# "tiny" way, offline, in seconds, from the host's Debian binaries (scripts/lib/rootfs.sh):
#   real     /usr/sbin/sshd, ssh-keygen (Debian's openssh-server), etcd 3.4.23, etcdctl, busybox,
#            /usr/bin/openssl (Debian's; `openssl x509 -enddate` and the certs.renew stand-in run on the hosts)
#   TEST DOUBLE  /usr/local/bin/host-init       PID 1: keeps sshd up, runs the kubelet double unless stopped
#   TEST DOUBLE  /usr/bin/systemctl             start|stop|restart|is-active kubelet, nothing else
#   TEST DOUBLE  /usr/local/bin/kubelet-double  the kind node's kubelet double (runs every static Pod)
#   TEST DOUBLE  /usr/bin/crictl                the kind node's crictl double
#   TEST DOUBLE  /usr/local/bin/kube-apiserver  answers GET /livez, /readyz on :6443 (busybox httpd), nothing else
# kubeadm's layout: /etc/kubernetes/{manifests,pki/etcd}, empty; scripts/kubeadm-test-hosts.mjs (or a
# test) puts the PKI and the etcd and kube-apiserver manifests in. The sshd host key is made at
# container start; root's authorized key is copied in (a key pair per lab). No kubelet, no container
# runtime, no API server.
# Idempotent: rebuilt only when missing or when its inputs changed (label dev.kdrill.inputs);
# --force rebuilds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/rootfs.sh"
IMAGE=${KDRILL_KUBEADM_HOST_IMAGE:-kdrill/kubeadm-host:etcd-3.4.23}
inputs=$(cat "$here/build-kubeadm-host-image.sh" "$here/lib/rootfs.sh" "$here/kind-node/kubelet-double" "$here/kind-node/crictl" \
  "$here"/kubeadm-host/* /usr/sbin/sshd /usr/bin/openssl | sha256sum | cut -c1-16)
if image_present "$IMAGE" "$inputs" "${1:-}"; then exit 0; fi
started=$(date +%s.%N)
need_host_etcd
if [ ! -x /usr/sbin/sshd ] || [ ! -x /usr/bin/ssh-keygen ] || [ ! -x /usr/bin/openssl ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server openssh-client openssl >/dev/null
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
etcd_rootfs "$root"
mkdir -p "$root"/{run,root/.ssh,var/log/pods,etc/kubernetes/manifests,etc/ssh,usr/sbin}
install_busybox "$root" "${NODE_APPLETS[@]}" od base64 xargs httpd
cp /usr/sbin/sshd "$root/usr/sbin/sshd"
cp /usr/bin/ssh-keygen "$root/usr/bin/ssh-keygen"
cp /usr/bin/openssl "$root/usr/bin/openssl"
copy_libs "$root" /usr/sbin/sshd /usr/bin/ssh-keygen /usr/bin/openssl
# openssl's default config, where Debian's openssl looks for it (OPENSSLDIR /usr/lib/ssl).
mkdir -p "$root/usr/lib/ssl"
cp -L /usr/lib/ssl/openssl.cnf "$root/usr/lib/ssl/openssl.cnf"
install -m 0644 "$here/kubeadm-host/sshd_config" "$root/etc/ssh/sshd_config"
install -m 0755 "$here/kubeadm-host/host-init" "$root/usr/local/bin/host-init"
install -m 0755 "$here/kubeadm-host/systemctl" "$root/usr/bin/systemctl"
install -m 0755 "$here/kubeadm-host/kube-apiserver" "$root/usr/local/bin/kube-apiserver"
install_node_doubles "$root"
# sshd's privilege separation user; root's password field `*`: no password, not locked (keys work).
printf 'root:x:0:0:root:/root:/bin/sh\nsshd:x:100:65534::/run/sshd:/usr/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:*:19000:0:99999:7:::\nsshd:*:19000:0:99999:7:::\n' > "$root/etc/shadow"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
chmod 600 "$root/etc/shadow"
chmod 700 "$root/root" "$root/root/.ssh"
chmod 1777 "$root/tmp"
chmod 700 "$root/var/lib/etcd"
tar -C "$root" --numeric-owner --owner=0 --group=0 -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin' --change 'ENV ETCDCTL_API=3' \
  --change 'LABEL dev.kdrill.test-double=kubeadm-host' --change "LABEL dev.kdrill.inputs=$inputs" \
  --change 'EXPOSE 22' --change 'CMD ["/usr/local/bin/host-init"]' \
  - "$IMAGE" >/dev/null
say_built "$IMAGE" "$started"
