#!/usr/bin/env bash
# Starts dockerd when nothing answers (there is no systemd on these machines) and waits for it.
set -euo pipefail
if docker info >/dev/null 2>&1; then echo "docker: already running"; exit 0; fi
(setsid dockerd >/var/log/dockerd.log 2>&1 &)
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then echo "docker: started ($(docker version -f '{{.Server.Version}}'))"; exit 0; fi
  sleep 1
done
echo "docker: dockerd did not answer within 60 s; see /var/log/dockerd.log" >&2
tail -20 /var/log/dockerd.log >&2 || true
exit 1
