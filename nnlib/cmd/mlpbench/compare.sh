#!/usr/bin/env bash
# Runs mlpbench and, when PyTorch is installed, the same model in PyTorch with
# one and with two threads, one after the other on this machine, and prints
# the JSON lines and a table. Flags are passed to all three runs.
#
#   nnlib/cmd/mlpbench/compare.sh -data /usr/share/datasets/fashion-mnist -epochs 15
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../.."
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

echo "machine: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //') ($(nproc) cores), $(go version | cut -d' ' -f3)" >&2
go build -o "$out.bin" ./nnlib/cmd/mlpbench
"$out.bin" "$@" | tee -a "$out"
rm -f "$out.bin"
py=/usr/bin/python3
command -v "$py" >/dev/null || py=python3
if "$py" -c 'import torch' 2>/dev/null; then
  for th in 1 2; do
    "$py" "$here/peer_torch.py" "$@" -threads "$th" | tee -a "$out"
  done
else
  echo "PyTorch not installed (Debian: apt-get install python3-torch): nnlib only" >&2
fi
"$py" - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(f"\n{'implementation':<28}{'s/epoch':>9}{'samples/s':>11}{'test acc':>10}{'allocs/step':>13}{'peak MB':>9}")
for r in rows:
    name = f"{r['impl']} {r['dtype']} {r.get('gemm', '')} {r['threads']}t".replace("  ", " ")
    print(f"{name:<28}{r['seconds_per_epoch']:>9.3f}{r['samples_per_second']:>11.0f}{r['test_accuracy']:>10.4f}"
          f"{str(r.get('allocs_per_step', '-')):>13}{r['peak_rss_mb']:>9.0f}")
PY
