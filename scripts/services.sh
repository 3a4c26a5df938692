# Starts the services the test suite needs on this machine (sourced by scripts/test.sh and .ci/run).
# PostgreSQL: the Debian cluster 15/main, a role and database for the tests.

ensure_postgres() {
  if ! command -v pg_ctlcluster >/dev/null; then
    echo "PostgreSQL is not installed (apt-get install postgresql); the PostgreSQL suites cannot run" >&2
    return 1
  fi
  if ! pg_lsclusters -h | awk '$4 == "online"' | grep -q .; then
    pg_ctlcluster 15 main start
  fi
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='rempart'\"" | grep -q 1 ||
    su postgres -c "psql -qc \"CREATE ROLE rempart LOGIN SUPERUSER PASSWORD 'rempart'\""
  su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='rempart_test'\"" | grep -q 1 ||
    su postgres -c "createdb -O rempart rempart_test"
  export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://rempart:rempart@127.0.0.1:5432/rempart_test}"
}
