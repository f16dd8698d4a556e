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
