#!/usr/bin/env bash
# Re-executes notebooks with the GoNB kernel and writes them back with their
# new outputs, so that the committed outputs come from the current code.
# Each notebook runs top to bottom on a fresh kernel into build/regen/, goes
# through the same checks as `make test` (no errors, no failed exercise
# check, setup cell, kernelspec), and replaces the original only if it passes.
#
# Usage:
#   scripts/notebooks.sh                         every notebooks/NN-*.ipynb
#   scripts/notebooks.sh notebooks/03-*.ipynb    only these
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

ensure_setup
use_local_datasets

if [ $# -eq 0 ]; then set -- notebooks/[0-9][0-9]-*.ipynb; fi
out=build/regen
rm -rf "$out"
mkdir -p "$out"
failed=()
for nb in "$@"; do
  [ -f "$nb" ] || die "no such notebook: $nb"
  name=$(basename "$nb")
  t0=$(date +%s)
  # record_timing=False keeps the cells' metadata free of timestamps.
  if ! jupyter nbconvert --to notebook --execute --allow-errors \
    --ExecutePreprocessor.timeout=1800 --ExecutePreprocessor.record_timing=False \
    --output-dir "$out" "$nb" >"$out/$name.log" 2>&1; then
    say "$nb: nbconvert failed after $(($(date +%s) - t0)) s; the last lines of its log:"
    tail -n 20 "$out/$name.log" >&2
    failed+=("$nb")
    continue
  fi
  if NB_FORMAT_FILES="$ROOT/$out/$name" go test -count=1 -run TestNotebookFormat ./notebooks/ >"$out/$name.check" 2>&1; then
    cp "$out/$name" "$nb"
    say "$nb: executed in $(($(date +%s) - t0)) s, updated"
  else
    say "$nb: left unchanged, its run failed (executed copy: $out/$name):"
    grep -vE '^(FAIL|ok)\b' "$out/$name.check" >&2 || true
    failed+=("$nb")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then die "not updated: ${failed[*]}"; fi
say "done; review with git diff notebooks/ and commit"
