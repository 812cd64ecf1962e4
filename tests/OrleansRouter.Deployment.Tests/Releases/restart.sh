#!/usr/bin/env bash
# What `systemctl restart orleans-router@INSTANCE` does, for supervise.sh: start the instance when it does not run;
# otherwise stop its silo with SIGTERM, wait until it has exited, and let the supervisor start it again.
#
#   restart.sh PREFIX CONFIG_DIR STATE_DIR INSTANCE
set -euo pipefail
prefix="$1" config="$2" state="$3" instance="$4"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ ! -f "$state/$instance.supervisor" ]] || ! kill -0 "$(cat "$state/$instance.supervisor")" 2>/dev/null; then
  setsid bash "$here/supervise.sh" "$prefix" "$config" "$instance" "$state" </dev/null >/dev/null 2>&1 &
  echo $! >"$state/$instance.supervisor"
  exit 0
fi
silo="$(cat "$state/$instance.pid")"
kill -TERM "$silo" 2>/dev/null || true
while kill -0 "$silo" 2>/dev/null; do sleep 0.1; done
