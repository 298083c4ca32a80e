#!/bin/sh
# The README's first command: from a fresh clone, set the host up, install bake, and bake the
# example web-server image locally with QEMU. A second run reuses the cached base image.
#   sudo scripts/bake-example.sh        (root: apt packages and the base image recipe need it)
set -eu
cd "$(dirname "$0")/.."

sh scripts/setup-host.sh
# Install (again) only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent
# -force: a rerun replaces the previous example image instead of refusing to overwrite it.
exec node_modules/.bin/node bin/bake.js build -force templates/examples/local-debian.json
