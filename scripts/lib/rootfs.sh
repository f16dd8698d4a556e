# Helpers for building tiny local images from the host's Debian binaries (sourced, not run).

# copy_libs ROOT FILE...: the shared libraries the files need, at the paths ldd resolves them to.
copy_libs() {
  local root=$1; shift
  for f in "$@"; do
    ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^[ \t]*\/lib/{print $1}'
  done | sort -u | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}

# install_busybox ROOT APPLET...: a static busybox as /bin/busybox and the named applets linked to it.
install_busybox() {
  local root=$1; shift
  mkdir -p "$root/bin"
  cp /bin/busybox "$root/bin/busybox"
  for a in "$@"; do ln -sf busybox "$root/bin/$a"; done
}

# need_host_etcd: Debian's etcd, etcdctl and busybox on the host (the images copy them in).
need_host_etcd() {
  if [ ! -x /usr/bin/etcd ] || [ ! -x /usr/bin/etcdctl ] || [ ! -x /bin/busybox ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq etcd-server etcd-client busybox-static >/dev/null
  fi
}

# etcd_rootfs ROOT: the folders every etcd image of kdrill has, Debian's etcd and etcdctl, their libraries.
etcd_rootfs() {
  local root=$1
  mkdir -p "$root"/{bin,usr/bin,usr/local/bin,tmp,etc,var/lib/etcd,etc/kubernetes/pki/etcd}
  cp /usr/bin/etcd /usr/bin/etcdctl "$root/usr/bin/"
  # Debian's binaries are dynamically linked: their libraries come along.
  copy_libs "$root" /usr/bin/etcd /usr/bin/etcdctl
}

# image_present IMAGE INPUTS [--force]: true, and says so, when IMAGE is there (built from INPUTS,
# its label dev.kdrill.inputs, when INPUTS is not empty); --force makes it false.
image_present() {
  local image=$1 inputs=$2
  [ "${3:-}" = "--force" ] && return 1
  if [ -n "$inputs" ]; then
    [ "$(docker image inspect -f '{{index .Config.Labels "dev.kdrill.inputs"}}' "$image" 2>/dev/null)" = "$inputs" ] || return 1
  else
    docker image inspect "$image" >/dev/null 2>&1 || return 1
  fi
  echo "$image: present"
}

# say_built IMAGE STARTED: "IMAGE: built in 0.8 s (56 MB)", STARTED from `date +%s.%N`.
say_built() {
  echo "$1: built in $(awk -v s="$2" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s ($(docker image inspect -f '{{.Size}}' "$1" | awk '{printf "%.0f MB", $1/1e6}'))"
}

# The busybox applets of a node image (kind node, kubeadm host): what the drills and an operator run in one.
NODE_APPLETS=(sh ash cat ls mkdir rm mv cp ln chmod touch sleep echo printf env ps kill pidof
  awk sed grep cut tr head tail wc sort uniq md5sum sha256sum cmp date hostname ip ping wget nslookup df du
  find test '[' true false basename dirname readlink stat timeout tee id uname which less vi)

# install_node_doubles ROOT: the kubelet and crictl TEST DOUBLES (scripts/kind-node/), and crictl's
# config as kindest/node has it (pointing at containerd; read by the real crictl only).
install_node_doubles() {
  local root=$1 here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  install -m 0755 "$here/kind-node/kubelet-double" "$root/usr/local/bin/kubelet-double"
  install -m 0755 "$here/kind-node/crictl" "$root/usr/bin/crictl"
  printf 'runtime-endpoint: unix:///run/containerd/containerd.sock\n' > "$root/etc/crictl.yaml"
}
