#!/usr/bin/env bash
# The course's tests, in one command: sets up first if needed, then runs
# `go vet ./...` and `go test ./...`. The latter executes every notebook with
# the GoNB kernel (headless, through nbconvert) and, in Chromium, in the
# classic Notebook UI served by scripts/course.sh; screenshots go to
# build/screenshots/. The whole log is kept in build/test.log.
#
# Environment:
#   NB_BROWSER=0      skip the browser test (default 1: it runs and needs chromium)
#   GOTESTFLAGS=...   extra `go test` flags, e.g. -run 'TestNotebooks/00'
#   SKIP_GOPLS=1, GONB_INSTALL_FLAGS=...  passed on to setup.sh (see there)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

start=$(date +%s)
ensure_setup
use_local_datasets

mkdir -p build/screenshots
export NB_BROWSER=${NB_BROWSER:-1}
export NB_SCREENSHOTS=$ROOT/build/screenshots

status=0
say "go vet ./..."
go vet ./... || status=1

say "go test ./... (every notebook runs; this takes a few minutes)"
# shellcheck disable=SC2086 # GOTESTFLAGS is a list of flags
go test -count=1 -timeout=80m -v ${GOTESTFLAGS:-} ./... 2>&1 | tee build/test.log || status=1

echo
say "summary"
grep -hoE '(notebook|browser|course) timing: .*' build/test.log | sed 's/^/  /' || true
if [ "$NB_BROWSER" != 0 ]; then say "screenshots: $NB_SCREENSHOTS"; fi
if grep -qE '^ *--- FAIL|^FAIL' build/test.log; then
  say "failed tests:"
  grep -E '^ *--- FAIL|^FAIL' build/test.log | sed 's/^/  /'
  status=1
fi
say "full log: build/test.log; took $(($(date +%s) - start)) s"
if [ $status -ne 0 ]; then say "FAILED"; exit 1; fi
say "PASSED"
