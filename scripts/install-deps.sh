#!/usr/bin/env bash
# System packages the labs and tests need, from Debian (the only package source besides npm).
# chromium: the report.html browser tests (test/report/html-browser.test.ts); ~25 s to install here.
# Ubuntu has no `chromium` deb (a snap only): there it is left out, and those tests say so (or fail under CI).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
# bsdutils: script(1), the terminal of the give-up tests (test/drills/exercise-give-up.test.ts); Essential on Debian, listed to say so.
pkgs=(docker.io etcd-server etcd-client busybox-static openssl iproute2 postgresql-15 procps iptables passwd openssh-server openssh-client bsdutils chromium)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  if [[ " ${missing[*]} " == *" chromium "* ]] && ! apt-cache show chromium >/dev/null 2>&1; then
    echo "system packages: no chromium package here: the report.html browser tests will not run" >&2
    kept=()
    for p in "${missing[@]}"; do [ "$p" = chromium ] || kept+=("$p"); done
    missing=(${kept[@]+"${kept[@]}"})
  fi
  if [ ${#missing[@]} -gt 0 ]; then apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; fi
fi
echo "system packages: ok (${pkgs[*]})"
