#!/usr/bin/env bash
# Runs every test of Compozy.Data: unit tests, integration tests on real SQLite files and on a
# real PostgreSQL with pgvector, end-to-end tests of the published `compozy` executable, and the
# documentation site (built with scripts/docs.sh, opened in headless chromium) and samples/.
#
#   scripts/test.sh                 as root on a fresh machine: installs PostgreSQL 15 + pgvector
#                                   from Debian's packages, starts a throwaway server, runs
#                                   everything, stops the server
#   COMPOZY_TEST_POSTGRES=... scripts/test.sh
#                                   uses that server instead (an administrator connection string;
#                                   the tests create and drop their own databases on it)
#
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
# bash, curl and jq; the documentation site is opened in Debian's headless chromium; the SQLite
# FUSE tests mount a real FUSE filesystem with bindfs (the package of the same name), as root,
# on /dev/fuse.
missing_tools=$(for tool in curl jq bindfs; do command -v "$tool" >/dev/null || echo "$tool"; done
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

if [ -z "${COMPOZY_TEST_POSTGRES:-}" ]; then
  scripts/postgres-test-server.sh install
  pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/compozy-test-postgres.XXXXXX")
  chmod 755 "$pg_dir"
  trap 'scripts/postgres-test-server.sh stop "$pg_dir"; rm -rf "$pg_dir"' EXIT
  COMPOZY_TEST_POSTGRES=$(scripts/postgres-test-server.sh start "$pg_dir")
  export COMPOZY_TEST_POSTGRES
else
  say "using the PostgreSQL server in COMPOZY_TEST_POSTGRES"
fi

say "building ($configuration)"
dotnet build Compozy.Data.sln -c "$configuration" -nologo -v quiet

say "publishing the compozy executable to artifacts/compozy"
rm -rf "$artifacts/compozy"
dotnet publish src/Compozy.Cli -c "$configuration" --no-build -nologo -v quiet -o "$artifacts/compozy"
[ -x "$artifacts/compozy/compozy" ] || { say "dotnet publish did not produce an executable named compozy"; exit 1; }
export COMPOZY_CLI="$artifacts/compozy/compozy"

# The site tests (tests/Compozy.Docs.Tests) open what this builds; they fail when it is missing.
say "building the documentation site (scripts/docs.sh build)"
docs_started=$(date +%s)
CONFIGURATION="$configuration" scripts/docs.sh build
say "documentation site built in $(( $(date +%s) - docs_started )) s"

rm -rf "$results"
status=0
dotnet test Compozy.Data.sln -c "$configuration" --no-build -nologo \
  --logger "trx;LogFilePrefix=compozy" --logger "console;verbosity=minimal" \
  --results-directory "$results" "$@" || status=$?

# One line per provider: tests written once run as one labelled case per database.
python3 - "$results" <<'PY' || status=1
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
postgres = counts.get("postgresql", {})
if postgres.get("Passed", 0) == 0 or any(outcome != "Passed" for outcome in postgres):
    print("test.sh: PostgreSQL cases did not all pass", file=sys.stderr)
    sys.exit(1)
PY

say "finished in $(( $(date +%s) - started )) s with exit code $status"
exit "$status"
