#!/usr/bin/env bash
# Runs mlpbench (float64, then with float32 products) and, when PyTorch is
# installed, the same model in PyTorch (float32) with one and with two
# threads, one after the other on this machine, and prints the JSON lines and
# a table. Flags are passed to every run. COMPARE_TORCH_FLOAT64=1 adds a
# PyTorch float64 run with one thread. COMPARE_REPLAY=1 adds a PyTorch
# float64 run that saves its starting weights and batch order and an
# mlpbench run that replays them (-replay): their losses and accuracies
# should agree to rounding.
#
#   nnlib/cmd/mlpbench/compare.sh -data /usr/share/datasets/fashion-mnist -epochs 15
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../.."
out="$(mktemp)"
trap 'rm -f "$out" "$out.bin"' EXIT

echo "machine: $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //') ($(nproc) cores), $(go version | cut -d' ' -f3)" >&2
go build -o "$out.bin" ./nnlib/cmd/mlpbench
for prec in float64 float32; do
  "$out.bin" "$@" -precision "$prec" | tee -a "$out"
done
py=/usr/bin/python3
command -v "$py" >/dev/null || py=python3
if "$py" -c 'import torch' 2>/dev/null; then
  for th in 1 2; do
    "$py" "$here/peer_torch.py" "$@" -threads "$th" | tee -a "$out"
  done
  if [ "${COMPARE_TORCH_FLOAT64:-}" = 1 ]; then
    "$py" "$here/peer_torch.py" "$@" -threads 1 -dtype float64 | tee -a "$out"
  fi
  if [ "${COMPARE_REPLAY:-}" = 1 ]; then
    run="$(mktemp -d)"
    "$py" "$here/peer_torch.py" "$@" -threads 1 -dtype float64 -save-run "$run" 2>"$run/torch.log" | tee -a "$out"
    "$out.bin" "$@" -replay "$run" 2>"$run/nnlib.log" | tee -a "$out"
    echo "losses per epoch, PyTorch float64 (left) and nnlib replaying its start and batch order (right):" >&2
    paste <(grep -o 'epoch [0-9/]*  loss [0-9.]*' "$run/torch.log") <(grep -o 'loss [0-9.]*' "$run/nnlib.log") >&2
    rm -rf "$run"
  fi
else
  echo "PyTorch not installed (Debian: apt-get install python3-torch): nnlib only" >&2
fi
"$py" - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(f"\n{'implementation':<44}{'s/epoch':>9}{'samples/s':>11}{'test acc':>10}{'allocs/step':>13}{'peak MB':>9}")
for r in rows:
    name = f"{r['impl']} {r['dtype']}, {r['threads']} thread{'s' if r['threads'] > 1 else ''}"
    if r.get("replay"):
        name += ", replay"
    print(f"{name:<44}{r['seconds_per_epoch']:>9.3f}{r['samples_per_second']:>11.0f}{r['test_accuracy']:>10.4f}"
          f"{str(r.get('allocs_per_step', '-')):>13}{r['peak_rss_mb']:>9.0f}")
PY
