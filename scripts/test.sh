#!/usr/bin/env bash
# The whole test suite: starts what it needs (PostgreSQL; the Samba AD DC and the network testbeds are
# provisioned by their own suites), then runs every package's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
ensure_postgres
export REMPART_REQUIRE_SERVICES=1
npx tsc -b packages/cli
npm run build -w @rempart/web
npx vitest run "$@"
