#!/usr/bin/env bash
# A stand-in for systemd on a machine without it as PID 1: runs one instance's silo from the release `current`
# points at, with the unit's environment (the env files, as EnvironmentFile= would set them), and starts it again
# whenever it stops, as Restart= would.
#
#   supervise.sh PREFIX CONFIG_DIR INSTANCE STATE_DIR
set -u
prefix="$1" config="$2" instance="$3" state="$4"
while [[ ! -e "$state/$instance.stop" ]]; do
  (
    set -a
    # shellcheck disable=SC1090
    source "$config/router.env"; source "$config/$instance.env"; source "$config/secrets.env"
    set +a
    exec "$prefix/current/ops/start-silo.sh" "$ROUTER_ENV"
  ) >>"$state/$instance.log" 2>&1 &
  echo $! >"$state/$instance.pid"
  wait $!
done
