#!/usr/bin/env bash
# Sets up a machine that has Go for the course, in one command:
#   1. a Jupyter front end with nbconvert (Debian/Ubuntu: apt; elsewhere it
#      says what to install),
#   2. the GoNB kernel at the version go.mod pins, goimports and gopls at
#      pinned versions,
#   3. the kernel registered with Jupyter, with a PATH entry so that editors
#      that start it with a short PATH (VS Code) still find go and goimports,
#   4. a warm Go build cache, so the first notebook cell compiles in seconds.
#
# Usage:
#   scripts/setup.sh           install whatever is missing (safe to re-run)
#   scripts/setup.sh --check   list what is missing, change nothing; exit 1 if anything is
# Environment:
#   SKIP_GOPLS=1               skip gopls (autocomplete in JupyterLab); CI uses this
#   GONB_INSTALL_FLAGS=...     extra flags for `gonb --install`, e.g. --raw_error
#   JUPYTER_DATA_DIR=dir       where the kernel is registered; for every user of a
#                              JupyterHub: /usr/local/share/jupyter (see README)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

# has_jupyter_ui reports whether JupyterLab or the Notebook is installed.
has_jupyter_ui() {
  command -v jupyter >/dev/null 2>&1 &&
    { jupyter lab --version >/dev/null 2>&1 || jupyter notebook --version >/dev/null 2>&1; }
}

has_nbconvert() { command -v jupyter >/dev/null 2>&1 && jupyter nbconvert --version >/dev/null 2>&1; }

# built_at BINARY MODULE VERSION reports whether BINARY was built with MODULE at VERSION.
built_at() {
  [ -x "$1" ] && go version -m "$1" 2>/dev/null | awk -v m="$2" -v v="$3" '
    ($1 == "mod" || $1 == "dep") && $2 == m && $3 == v { found = 1 } END { exit !found }'
}

kernel_json() { echo "$(jupyter_data_dir)/kernels/gonb/kernel.json"; }

# missing prints one line for each thing the setup has yet to do.
missing() {
  has_jupyter_ui || echo "Jupyter (JupyterLab or Notebook)"
  has_nbconvert || echo "jupyter nbconvert"
  built_at "$GOBIN/goimports" golang.org/x/tools "$GOIMPORTS_VERSION" ||
    echo "goimports $GOIMPORTS_VERSION in $GOBIN"
  if [ -z "${SKIP_GOPLS:-}" ]; then
    built_at "$GOBIN/gopls" golang.org/x/tools/gopls "$GOPLS_VERSION" ||
      echo "gopls $GOPLS_VERSION in $GOBIN"
  fi
  if ! command -v jupyter >/dev/null 2>&1; then
    echo "gonb kernel (needs Jupyter)"
    return
  fi
  local kj
  kj=$(kernel_json)
  if [ ! -f "$kj" ]; then
    echo "gonb kernel ($kj)"
    return
  fi
  "$(python3_cmd)" - "$kj" "$GOBIN" <<'PY' || true
import json, sys
k = json.load(open(sys.argv[1]))
if sys.argv[2] not in k.get("env", {}).get("PATH", "").split(":"):
    print("PATH entry for %s in %s" % (sys.argv[2], sys.argv[1]))
print("ARGV0=" + k["argv"][0])
PY
}

check() {
  local line gonb="" todo=()
  while IFS= read -r line; do
    case "$line" in
      ARGV0=*) gonb=${line#ARGV0=} ;;
      *) todo+=("$line") ;;
    esac
  done < <(missing)
  if [ -n "$gonb" ] && ! built_at "$gonb" github.com/janpfeifer/gonb "$GONB_VERSION"; then
    todo+=("gonb kernel $GONB_VERSION (kernel.json runs $gonb)")
  fi
  if [ ${#todo[@]} -eq 0 ]; then
    say "everything is set up (gonb $GONB_VERSION, kernel in $(dirname "$(kernel_json)"))"
    return 0
  fi
  for line in "${todo[@]}"; do say "missing: $line"; done
  return 1
}

install_jupyter() {
  if command -v apt-get >/dev/null 2>&1; then
    local sudo=()
    if [ "$(id -u)" != 0 ]; then
      command -v sudo >/dev/null 2>&1 || die "Jupyter is missing and installing it needs root: run as root, or install sudo"
      sudo=(sudo)
    fi
    say "installing Jupyter with apt (classic Notebook, nbconvert)"
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      jupyter-notebook jupyter-nbconvert python3-nbclient
    return
  fi
  die "no Jupyter found. Install JupyterLab, then run this again:
    macOS:            brew install jupyterlab      (or: pipx install jupyterlab)
    any Python 3.9+:  python3 -m pip install --user jupyterlab
    conda:            conda install -c conda-forge jupyterlab
Windows: use WSL (Ubuntu) or Docker, see README.md."
}

if [ "${1:-}" = "--check" ]; then
  check
  exit
fi
[ $# -eq 0 ] || die "usage: scripts/setup.sh [--check]"

start=$(date +%s)
if ! has_jupyter_ui || ! has_nbconvert; then install_jupyter; fi
has_nbconvert || die "jupyter nbconvert is still missing: install nbconvert (pip install nbconvert) and run this again"

say "installing gonb $GONB_VERSION (go.mod's tool), goimports $GOIMPORTS_VERSION into $GOBIN"
go install tool
go install "golang.org/x/tools/cmd/goimports@$GOIMPORTS_VERSION"
gonb_flags=()
if [ -z "${SKIP_GOPLS:-}" ]; then
  say "installing gopls $GOPLS_VERSION (autocomplete; SKIP_GOPLS=1 skips it)"
  go install "golang.org/x/tools/gopls@$GOPLS_VERSION"
else
  gonb_flags+=(--force_deps)
fi
# shellcheck disable=SC2206 # GONB_INSTALL_FLAGS is a list of flags
gonb_flags+=(${GONB_INSTALL_FLAGS:-})

datadir=$(jupyter_data_dir)
JUPYTER_DATA_DIR=$datadir "$GOBIN/gonb" --install "${gonb_flags[@]}"
kj=$(kernel_json)
[ -f "$kj" ] || die "gonb --install did not write $kj"

# Let the kernel find go and goimports even when started with a short PATH.
KPATH="$GOBIN:$GOROOT_BIN" "$(python3_cmd)" - "$kj" <<'PY'
import json, os, sys
path = sys.argv[1]
with open(path) as f:
    k = json.load(f)
k.setdefault("env", {})["PATH"] = os.environ["KPATH"] + ":${PATH}"
with open(path, "w") as f:
    json.dump(k, f, indent=1)
    f.write("\n")
PY

say "warming the Go build cache (go build ./...)"
if ! go build ./... github.com/janpfeifer/gonb/cache; then
  say "warning: go build ./... failed; the notebooks will show the same compile error"
fi
check
say "done in $(($(date +%s) - start)) s. Next: make course (or scripts/course.sh)"
