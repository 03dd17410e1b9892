# shellcheck shell=bash disable=SC2034
# Settings shared by the course scripts. Sourced by setup.sh, course.sh,
# test.sh and notebooks.sh; not meant to be run on its own. (SC2034: the
# variables set here are used by those scripts.)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
PROG=$(basename "$0")

# Tool versions. GoNB's version is the one go.mod pins in its `tool` line.
GOIMPORTS_VERSION=v0.29.0
GOPLS_VERSION=v0.21.0
GONB_VERSION=$(awk '$1 == "github.com/janpfeifer/gonb" { print $2; exit }' go.mod)

say() { printf '%s: %s\n' "$PROG" "$*"; }
die() { printf '%s: %s\n' "$PROG" "$*" >&2; exit 1; }

# Go must be on PATH; everything else setup.sh can install.
if ! command -v go >/dev/null 2>&1; then
  for d in /usr/local/go/bin "$HOME/go/bin" /opt/homebrew/bin; do
    if [ -x "$d/go" ]; then PATH="$d:$PATH"; break; fi
  done
fi
command -v go >/dev/null 2>&1 || die "Go is not installed (or not on PATH). Install Go 1.24.4 or newer from https://go.dev/dl/ (macOS: brew install go), then run this again."

# Programs that `go install` builds (gonb, goimports, gopls) go to GOBIN.
GOBIN=$(go env GOBIN)
GOBIN=${GOBIN:-$(go env GOPATH)/bin}
GOROOT_BIN=$(go env GOROOT)/bin
export GOBIN PATH="$GOBIN:$GOROOT_BIN:$PATH"

# A Python 3 for small JSON edits (any will do; Jupyter needs one anyway).
python3_cmd() {
  local py
  for py in python3 /usr/bin/python3 python; do
    if "$py" -c 'import json, sys; sys.exit(sys.version_info[0] != 3)' >/dev/null 2>&1; then
      echo "$py"; return
    fi
  done
  die "no working python3 found (Jupyter needs one)"
}

# The Jupyter data folder where the gonb kernel is installed. Honours
# JUPYTER_DATA_DIR (used for a system-wide install on JupyterHub).
jupyter_data_dir() {
  if [ -n "${JUPYTER_DATA_DIR:-}" ]; then echo "$JUPYTER_DATA_DIR"; else jupyter --data-dir; fi
}

# ---------------------------------------------------------------------------
# Data sets: the one place where the tests and `make notebooks` are told where
# to find MNIST. nnlib/data reads NNLIB_MNIST_DIR (see nnlib/data/doc.go).
# CI and the course's development machines have a copy next to the repo; a
# learner's clone has none, and nnlib/data downloads the files on first use.
use_local_datasets() {
  if [ -z "${NNLIB_MNIST_DIR:-}" ] && [ -d "$ROOT/../shared/data/mnist-10k" ]; then
    NNLIB_MNIST_DIR=$(cd "$ROOT/../shared/data/mnist-10k" && pwd)
    export NNLIB_MNIST_DIR
  fi
  if [ -n "${NNLIB_MNIST_DIR:-}" ]; then say "MNIST from $NNLIB_MNIST_DIR"; fi
}
# ---------------------------------------------------------------------------

# Runs setup.sh unless everything it installs is already in place.
ensure_setup() {
  if ! "$ROOT/scripts/setup.sh" --check >/dev/null 2>&1; then
    say "setting up first (scripts/setup.sh)"
    "$ROOT/scripts/setup.sh"
  fi
}
