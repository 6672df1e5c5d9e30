#!/usr/bin/env bash
# Runs every test of Compozy.Data: unit tests, integration tests on real SQLite files and on a
# real PostgreSQL with pgvector, end-to-end tests of the published `compozy` executable, and the
# documentation site (built with scripts/docs.sh, opened in headless chromium) and samples/.
#
# PostgreSQL comes from the first of these that works, printed at the start:
#   1. COMPOZY_TEST_POSTGRES=... scripts/test.sh
#      an existing server (an administrator connection string; the tests create and drop their
#      own databases on it)
#   2. Testcontainers: as root on a fresh machine the script installs Docker (Debian's docker.io)
#      when dockerd is missing, starts dockerd when no engine answers (and stops it at the end),
#      builds the test image from tests/containers/postgres-pgvector when it is missing or out of
#      date, and the tests start their containers from it
#   3. where no container engine can be installed or started: a throwaway server from Debian's
#      packages (scripts/postgres-test-server.sh), said so at the start and in the summary
#
# Every container the tests start is removed at exit, even when a test host crashed, and so are
# those left by an earlier run that was killed.
# Extra arguments go to `dotnet test` (for example --filter FullyQualifiedName~Migrations).
# PostgreSQL cases never skip: without a server they fail, and the summary below shows it.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
configuration=${CONFIGURATION:-Release}
artifacts="$root/artifacts"
results="$artifacts/test-results"
started=$(date +%s)

say() { echo "test.sh: $*" >&2; }

command -v dotnet >/dev/null || { say "the .NET 10 SDK is required (dotnet not found on PATH)"; exit 1; }

# The documented curl walk-throughs (docs/api.md, docs/getting-started) are run by tests with
# bash, curl and jq; the PostgreSQL page's commands with psql; the production page's systemd unit
# is checked with systemd-analyze; the documentation site and the API reference page (/scalar)
# are opened in Debian's headless chromium; the SQLite FUSE tests mount a real FUSE filesystem
# with bindfs, as root, on /dev/fuse. Each entry is command:Debian package.
missing_tools=$(for entry in curl:curl jq:jq sqlite3:sqlite3 bindfs:bindfs psql:postgresql-client systemd-analyze:systemd; do
    command -v "${entry%%:*}" >/dev/null || echo "${entry#*:}"
  done
  [ -x /usr/bin/chromium ] || echo chromium)
if [ -n "$missing_tools" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    say "installing $(echo $missing_tools) from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing_tools >/dev/null
  else
    say "$(echo $missing_tools) missing: the documentation tests need them (apt-get install $(echo $missing_tools))"
    exit 1
  fi
fi

# shellcheck source=lib/docker-engine.sh
source scripts/lib/docker-engine.sh

# Everything the script starts is undone here, whatever ends it.
pg_dir=
run_owner=$(process_owner_id $$)
cleanup() {
  if [ -n "$engine_used" ] && engine_answers; then
    local removed
    removed=$(containers_remove_owned "$run_owner")
    [ "$removed" -eq 0 ] || say "removed $removed test container(s) that the test hosts left behind"
  fi
  engine_stop
  if [ -n "$pg_dir" ]; then
    scripts/postgres-test-server.sh stop "$pg_dir"
    rm -rf "$pg_dir"
  fi
}
engine_used=
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

preparation_started=$(date +%s)
engine_note=
if [ -n "${COMPOZY_TEST_POSTGRES:-}" ]; then
  postgres_source="the server in COMPOZY_TEST_POSTGRES"
  # The fault tests still want a server they may stop: a container when an engine already runs.
  engine_answers && engine_used=yes && engine_note="already running"
elif engine_answers; then
  engine_used=yes
  engine_note="already running"
else
  mkdir -p "$artifacts"
  if engine_start "$artifacts/dockerd.log"; then
    engine_used=yes
    engine_note="started here, stopped at exit"
  else
    say "no container engine can run here ($engine_failure): using the fallback, PostgreSQL 15 from Debian's packages"
  fi
fi
engine_seconds=$(( $(date +%s) - preparation_started ))

image_seconds=0
if [ -n "$engine_used" ]; then
  leftovers=$(containers_remove_orphaned)
  [ "$leftovers" -eq 0 ] || say "removed $leftovers test container(s) left by an earlier run that did not finish"
  image_started=$(date +%s)
  COMPOZY_TEST_POSTGRES_IMAGE=$(tests/containers/postgres-pgvector/build.sh)
  image_seconds=$(( $(date +%s) - image_started ))
  # What Testcontainers needs here: the engine's own API version (Testcontainers asks for 1.44,
  # Debian's docker.io speaks 1.41); no reaper (its image cannot be pulled; the trap above removes
  # the containers); and the loopback address for a local engine (inside a container, as on these
  # machines, Testcontainers would otherwise connect through the bridge's gateway).
  DOCKER_API_VERSION=${DOCKER_API_VERSION:-$(docker version --format '{{.Server.APIVersion}}')}
  TESTCONTAINERS_RYUK_DISABLED=true
  case "${DOCKER_HOST:-unix://}" in
    unix://*) TESTCONTAINERS_HOST_OVERRIDE=${TESTCONTAINERS_HOST_OVERRIDE:-127.0.0.1} ;;
  esac
  COMPOZY_TEST_CONTAINER_OWNER=$run_owner
  # Each test host removes its container when it exits, which takes a second or two; the test
  # platform kills a host 100 ms after its run by default. A host that is done exits at once.
  VSTEST_TESTHOST_SHUTDOWN_TIMEOUT=${VSTEST_TESTHOST_SHUTDOWN_TIMEOUT:-60000}
  export COMPOZY_TEST_POSTGRES_IMAGE DOCKER_API_VERSION TESTCONTAINERS_RYUK_DISABLED COMPOZY_TEST_CONTAINER_OWNER VSTEST_TESTHOST_SHUTDOWN_TIMEOUT
  [ -z "${TESTCONTAINERS_HOST_OVERRIDE:-}" ] || export TESTCONTAINERS_HOST_OVERRIDE
  [ -n "${COMPOZY_TEST_POSTGRES:-}" ] || postgres_source="Testcontainers, image $COMPOZY_TEST_POSTGRES_IMAGE"
  say "Docker $(docker version --format '{{.Server.Version}}') ($engine_note), API $DOCKER_API_VERSION; test image $COMPOZY_TEST_POSTGRES_IMAGE"
elif [ -z "${COMPOZY_TEST_POSTGRES:-}" ]; then
  scripts/postgres-test-server.sh install
  pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/compozy-test-postgres.XXXXXX")
  chmod 755 "$pg_dir"
  COMPOZY_TEST_POSTGRES=$(scripts/postgres-test-server.sh start "$pg_dir")
  export COMPOZY_TEST_POSTGRES
  postgres_source="the fallback: a server from Debian's packages (no container engine: $engine_failure)"
fi
preparation_seconds=$(( $(date +%s) - preparation_started ))
say "PostgreSQL for the tests: $postgres_source"
say "preparing PostgreSQL took $preparation_seconds s (engine $engine_seconds s, image $image_seconds s)"

say "building ($configuration)"
dotnet build Compozy.Data.sln -c "$configuration" -nologo -v quiet

# Every model change needs a migration for each database, and the sample's own model too:
# dotnet ef compares the model each design-time factory builds with the snapshot of its
# migrations and fails when they differ (docs/database/migrations.md).
dotnet tool restore >/dev/null
for check in \
  "SQLite|--project migrations/Compozy.Data.Migrations.Sqlite --startup-project src/Compozy.Data.Sqlite" \
  "PostgreSQL|--project migrations/Compozy.Data.Migrations.Postgres --startup-project src/Compozy.Data.Postgres" \
  "the extension sample on SQLite|--project samples/Compozy.Samples.Extension --context SqliteNotesDbContext" \
  "the extension sample on PostgreSQL|--project samples/Compozy.Samples.Extension --context PostgresNotesDbContext"; do
  what=${check%%|*}
  say "checking that the migrations of $what cover the model (dotnet ef migrations has-pending-model-changes)"
  # shellcheck disable=SC2086 # the project flags are split on purpose
  if ! dotnet ef migrations has-pending-model-changes --no-build --configuration "$configuration" ${check#*|}; then
    say "the model changed without a migration for $what: add one with \`dotnet ef migrations add <Name> ${check#*|}\` (docs/database/migrations.md)"
    exit 1
  fi
done

say "publishing the compozy executable to artifacts/compozy"
rm -rf "$artifacts/compozy"
# ReadyToRun, as docs/getting-started/installation.md publishes it: code compiled ahead of time
# halves the executable's start-up (bench/README.md, cli-startup). It needs a runtime identifier,
# this machine's, so the CLI is built again for it rather than reusing the build above.
dotnet publish src/Compozy.Cli -c "$configuration" --use-current-runtime --self-contained false -p:PublishReadyToRun=true -nologo -v quiet -o "$artifacts/compozy"
[ -x "$artifacts/compozy/compozy" ] || { say "dotnet publish did not produce an executable named compozy"; exit 1; }
export COMPOZY_CLI="$artifacts/compozy/compozy"

# The site tests (tests/Compozy.Docs.Tests) open what this builds; they fail when it is missing.
say "building the documentation site (scripts/docs.sh build)"
docs_started=$(date +%s)
CONFIGURATION="$configuration" scripts/docs.sh build
say "documentation site built in $(( $(date +%s) - docs_started )) s"

rm -rf "$results"
status=0
tests_started=$(date +%s)
dotnet test Compozy.Data.sln -c "$configuration" --no-build -nologo \
  --logger "trx;LogFilePrefix=compozy" --logger "console;verbosity=minimal" \
  --results-directory "$results" "$@" || status=$?
tests_seconds=$(( $(date +%s) - tests_started ))

# One line per provider: tests written once run as one labelled case per database.
python3 - "$results" "$postgres_source" <<'PY' || status=1
import glob, re, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
counts = {}
for path in glob.glob(sys.argv[1] + "/*.trx"):
    for result in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
        name, outcome = result.get("testName"), result.get("outcome")
        match = re.search(r"database: (Sqlite|Postgres)", name)
        group = match.group(1).lower().replace("postgres", "postgresql") if match else "no database"
        counts.setdefault(group, {}).setdefault(outcome, 0)
        counts[group][outcome] += 1
print("test.sh: tests executed per provider:")
for group in ("sqlite", "postgresql", "no database"):
    outcomes = counts.get(group, {})
    detail = ", ".join(f"{count} {outcome.lower()}" for outcome, count in sorted(outcomes.items())) or "none"
    print(f"  {group:<12} {sum(outcomes.values()):>5}  ({detail})")
print(f"  postgresql came from {sys.argv[2]}")
postgres = counts.get("postgresql", {})
if postgres.get("Passed", 0) == 0 or any(outcome != "Passed" for outcome in postgres):
    print("test.sh: PostgreSQL cases did not all pass", file=sys.stderr)
    sys.exit(1)
PY

say "finished in $(( $(date +%s) - started )) s with exit code $status: preparing PostgreSQL $preparation_seconds s (engine $engine_seconds s, image $image_seconds s), running the tests $tests_seconds s"
exit "$status"
