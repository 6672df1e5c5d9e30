#!/usr/bin/env bash
# Kill -9 durability torture: kills a child writing through Compozy.Data's SQLite write path
# thousands of times (while writing, inside checkpoints, inside maintenance, during startup
# recovery) and verifies after every kill that each acknowledged transaction is present and
# whole. CI runs 60 of these in the test suite; this runs as many as asked and prints the totals.
#
#   scripts/crash-test.sh [KILLS] [--seed N] [--synchronous FULL|NORMAL] [--db PATH]
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-2000}
shift || true
dotnet build tests/Compozy.Data.CrashHarness -c Release -nologo -v quiet
exec tests/Compozy.Data.CrashHarness/bin/Release/net10.0/compozy-crash-harness torture --kills "$kills" "$@"
