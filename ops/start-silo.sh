#!/usr/bin/env bash
# Starts one OrleansRouter silo for an environment: the config guard first, then the silo, supervised.
#
#   ./ops/start-silo.sh <local|staging|production> [--env-file FILE] [--log-level LEVEL] [--log-format json|text]
#                       [--otel] [--log-forward tcp://HOST:PORT|udp://HOST:PORT] [--digest DIGEST]
#
# Configuration comes from the process environment, then FILE, then deploy/configs/<env>.env, then the router's
# built-in defaults (`local` needs nothing else). The router is published once with a locked restore into
# .build/router and reused while the sources are unchanged. SIGINT and SIGTERM reach the silo as SIGTERM: it drains
# for up to SHUTDOWN_DRAIN_SECONDS and stops; ten seconds after that it is killed. The exit code is the silo's.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "start-silo: $*" >&2; echo >&2; usage >&2; exit 2; }

environment="${1:-}"
case "$environment" in
  local | staging | production) shift ;;
  -h | --help) usage; exit 0 ;;
  "") die "name the environment: local, staging or production" ;;
  *) die "unknown environment '$environment'" ;;
esac

env_file="" digest="" otel=()
while (($#)); do
  option="$1" value=""
  case "$option" in
    --*=*) value="${option#*=}"; option="${option%%=*}"; shift ;;
    --env-file | --log-level | --log-format | --log-forward | --digest)
      (($# >= 2)) || die "$option needs a value"
      value="$2"; shift 2 ;;
    --otel) otel=(--otel); shift; continue ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option '$option'" ;;
  esac
  case "$option" in
    --env-file) env_file="$value" ;;
    --log-level) export LOG_LEVEL="$value" ;;
    --log-format) export LOG_FORMAT="$value" ;;
    --log-forward) export LOG_FORWARD="$value" ;;
    --digest) digest="$value" ;;
    *) die "unknown option '$option'" ;;
  esac
done

env_files=(--env-file "$root/deploy/configs/$environment.env")
if [[ -n "$env_file" ]]; then
  [[ -f "$env_file" ]] || die "no such env file: $env_file"
  env_files+=(--env-file "$(cd "$(dirname "$env_file")" && pwd)/$(basename "$env_file")")
fi
digest_args=()
[[ -n "$digest" ]] && digest_args=(--digest "$digest")

# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"
router_build "$root"

export ROUTER_ENV="$environment"
router=(dotnet "$root/.build/router/orleans-router.dll")

# The config guard: every problem is printed, and a silo with a bad configuration does not start.
guard_status=0
guard="$("${router[@]}" --check-config "${env_files[@]}" "${otel[@]}")" || guard_status=$?
echo "$guard"
if ((guard_status != 0)); then
  echo "start-silo: the config guard refused the configuration; not starting" >&2
  exit "$guard_status"
fi
drain="$(sed -n 's/.*"shutdown_drain_seconds":\([0-9]*\).*/\1/p' <<<"$guard" | tail -n 1)"
drain="${drain:-30}"

"${router[@]}" "${env_files[@]}" "${digest_args[@]}" "${otel[@]}" &
silo=$!

stop() {
  trap - INT TERM
  echo "start-silo: stopping the silo (drain up to ${drain} s)" >&2
  kill -TERM "$silo" 2>/dev/null || true
  # The watchdog takes its sleep along when it is stopped, so nothing is left holding this script's output open.
  (
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep "$((drain + 10))" & sleeper=$!
    wait "$sleeper"
    kill -KILL "$silo" 2>/dev/null && echo "start-silo: the silo did not stop in time; killed" >&2
  ) &
  watchdog=$!
}
watchdog=""
trap stop INT TERM

status=0
while true; do
  wait "$silo" && status=0 || status=$?
  # A trapped signal interrupts wait with a status above 128 while the silo still runs: wait again.
  kill -0 "$silo" 2>/dev/null || break
done
[[ -n "$watchdog" ]] && kill "$watchdog" 2>/dev/null || true
exit "$status"
