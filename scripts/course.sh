#!/usr/bin/env bash
# Opens the course: sets up first if needed, then serves notebooks/ with
# JupyterLab if it is installed, else the classic Notebook, on 127.0.0.1
# only, and prints the URL to open. Ctrl-C stops it.
#
# Environment:
#   COURSE_UI=lab|notebook   front end (default: lab when installed, else notebook)
#   COURSE_PORT=N            port (default: the first free one from 8888 up)
#   COURSE_TOKEN=...         access token in the URL (default: a random one)
#   COURSE_NO_BROWSER=1      only print the URL, do not open a web browser
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

ensure_setup

ui=${COURSE_UI:-}
if [ -z "$ui" ]; then
  if jupyter lab --version >/dev/null 2>&1; then ui=lab; else ui=notebook; fi
fi
case $ui in
  lab | notebook) ;;
  *) die "COURSE_UI must be lab or notebook, not '$ui'" ;;
esac

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ -n "${COURSE_PORT:-}" ]; then
  port=$COURSE_PORT
  if port_in_use "$port"; then die "port $port is in use: choose another with COURSE_PORT=..."; fi
else
  port=8888
  while port_in_use "$port"; do port=$((port + 1)); done
fi
token=${COURSE_TOKEN:-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')}

# The classic Notebook (version 6) takes NotebookApp settings; JupyterLab and
# Notebook 7 run on jupyter_server and take ServerApp settings.
app=ServerApp
page=lab
if [ "$ui" = notebook ]; then
  page=tree
  major=$(jupyter notebook --version 2>/dev/null | cut -d. -f1)
  if [ "${major:-7}" -lt 7 ]; then app=NotebookApp; fi
fi
args=(--ip=127.0.0.1 --port="$port" --port-retries=0
  --notebook-dir="$ROOT/notebooks" "--$app.token=$token")
if [ -n "${COURSE_NO_BROWSER:-}" ]; then args+=(--no-browser); fi
if [ "$(id -u)" = 0 ]; then args+=(--allow-root); fi

url="http://127.0.0.1:$port/$page?token=$token"
say "serving notebooks/ with jupyter $ui"
say "open: $url"
say "start with 00-welcome-and-setup.ipynb; stop with Ctrl-C"
exec jupyter "$ui" "${args[@]}"
