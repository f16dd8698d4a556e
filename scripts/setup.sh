#!/usr/bin/env bash
# One-command setup on a fresh Debian/Ubuntu machine (as root): system packages, docker daemon,
# local lab images, npm dependencies (which also builds kdrill).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/start-docker.sh
bash scripts/build-images.sh
npm ci --no-audit --no-fund
echo "kdrill is ready: npx kdrill list"
