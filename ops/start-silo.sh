#!/usr/bin/env bash
# Starts one OrleansRouter silo for an environment: the config guard first, then the silo, supervised.
#
#   ./ops/start-silo.sh <local|staging|production> [--env-file FILE]... [--log-level LEVEL] [--log-format json|text]
#                       [--otel] [--emit-metrics stdout] [--log-forward tcp://HOST:PORT|udp://HOST:PORT]
#                       [--digest DIGEST|RELEASE_ID] [--check-only]
#
# Configuration comes from the process environment, then the --env-files (a later one wins over an earlier one),
# then deploy/configs/<env>.env, then the router's built-in defaults (`local` needs nothing else). From a source
# checkout the router is published once with a locked restore into .build/router and reused while the sources are
# unchanged; a release (ops/release.sh) runs the build it carries. In a release installed beside others
# (ops/install-release.sh: PREFIX/releases/<id>), --digest names the release to run, by its digest or the first 7
# or more characters of its id, and exits 2 naming the installed ones when none matches; elsewhere (a checkout, the
# image) it is recorded as the image digest. SIGINT and SIGTERM reach the silo as SIGTERM: it drains for up to
# SHUTDOWN_DRAIN_SECONDS and stops; ten seconds after that it is killed. The exit code is the silo's. --check-only
# runs the config guard alone, on the same layers (exit 0 valid, 2 not), as a release phase or an ExecStartPre does.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
die() { echo "start-silo: $*" >&2; echo >&2; usage >&2; exit 2; }

environment="${1:-}"
case "$environment" in
  local | staging | production) shift ;;
  -h | --help) usage; exit 0 ;;
  "") die "name the environment: local, staging or production" ;;
  *) die "unknown environment '$environment'" ;;
esac

arguments=("$@")
env_files=() digest="" flags=() check_only=false
while (($#)); do
  option="$1" value=""
  case "$option" in
    --*=*) value="${option#*=}"; option="${option%%=*}"; shift ;;
    --env-file | --log-level | --log-format | --log-forward | --digest | --emit-metrics)
      (($# >= 2)) || die "$option needs a value"
      value="$2"; shift 2 ;;
    --otel) flags+=(--otel); shift; continue ;;
    --check-only) check_only=true; shift; continue ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option '$option'" ;;
  esac
  case "$option" in
    --env-file)
      [[ -f "$value" ]] || die "no such env file: $value"
      env_files+=(--env-file "$(cd "$(dirname "$value")" && pwd)/$(basename "$value")") ;;
    --emit-metrics)
      [[ "$value" == stdout ]] || die "--emit-metrics takes stdout"
      flags+=(--emit-metrics stdout) ;;
    --log-level) export LOG_LEVEL="$value" ;;
    --log-format) export LOG_FORMAT="$value" ;;
    --log-forward) export LOG_FORWARD="$value" ;;
    --digest) digest="$value" ;;
    *) die "unknown option '$option'" ;;
  esac
done

# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"

# Beside other installed releases (ops/install-release.sh's PREFIX/releases/<id>), --digest chooses which one runs:
# that release's own script takes over, and records its own id and digest. A release elsewhere (the image's /app)
# and a checkout record --digest as the image digest.
if [[ -n "$digest" && -f "$root/RELEASE" && "$(basename "$(dirname "$(cd "$root" && pwd -P)")")" == releases ]]; then
  releases="$(dirname "$(cd "$root" && pwd -P)")" matches=() matched=() installed=()
  for release in "$releases"/*/; do
    release="${release%/}"
    [[ -f "$release/RELEASE" && -f "$release/SHA256SUMS" ]] || continue
    id="$(release_field "$release" id)"
    installed+=("$id")
    if [[ "$digest" == "$(release_digest "$release")" || ( ${#digest} -ge 7 && "$id" == "$digest"* ) ]]; then
      matches+=("$release") matched+=("$id")
    fi
  done
  ((${#matches[@]} > 0)) || die "no installed release has the id or digest '$digest' (installed: ${installed[*]:-none})"
  ((${#matches[@]} == 1)) || die "'$digest' names more than one installed release (${matched[*]}); give more of the id"
  chosen="${matches[0]}"
  if [[ "$(cd "$chosen" && pwd -P)" != "$(cd "$root" && pwd -P)" ]]; then
    echo "start-silo: running release $(release_field "$chosen" id), as --digest asks" >&2
    # What this release would have recorded describes it, not the one asked for.
    unset BUILD_SHA IMAGE_DIGEST
    exec "$chosen/ops/start-silo.sh" "$environment" "${arguments[@]}"
  fi
  # This is the release asked for: its audit trail names its own digest below, not the words it was asked by.
  digest=""
fi

router_build "$root"
if [[ -f "$root/RELEASE" ]]; then
  # A release knows what it is; the audit trail says so unless the deployment set it.
  export BUILD_SHA="${BUILD_SHA:-$(release_field "$root" id)}"
  [[ -f "$root/SHA256SUMS" ]] && export IMAGE_DIGEST="${IMAGE_DIGEST:-$(release_digest "$root")}"
fi
env_files=(--env-file "$root/deploy/configs/$environment.env" "${env_files[@]}")
digest_args=()
[[ -n "$digest" ]] && digest_args=(--digest "$digest")

export ROUTER_ENV="$environment"
router=(dotnet "$router_dir/orleans-router.dll")

# The config guard: every problem is printed, and a silo with a bad configuration does not start.
guard_status=0
guard="$("${router[@]}" --check-config "${env_files[@]}" "${flags[@]}")" || guard_status=$?
echo "$guard"
if ((guard_status != 0)); then
  echo "start-silo: the config guard refused the configuration; not starting" >&2
  exit "$guard_status"
fi
[[ "$check_only" == true ]] && exit 0
drain="$(sed -n 's/.*"shutdown_drain_seconds":\([0-9]*\).*/\1/p' <<<"$guard" | tail -n 1)"
drain="${drain:-30}"

"${router[@]}" "${env_files[@]}" "${digest_args[@]}" "${flags[@]}" &
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
