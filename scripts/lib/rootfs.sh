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
