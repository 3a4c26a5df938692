#!/usr/bin/env bash
# The whole test suite: installs the system packages it needs when run as root, starts PostgreSQL (the Samba
# AD DC and the network testbeds are provisioned by their own suites), builds, then runs every package's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/system-packages.sh
source scripts/services.sh
install_system_packages
ensure_postgres
export REMPART_REQUIRE_SERVICES=1
npx tsc -b packages/cli
npm run build -w @rempart/web
npx vitest run --reporter=default --reporter=./scripts/summary-reporter.ts "$@"
