#!/usr/bin/env bash
# Starts one OrleansRouter silo for an environment.
#
#   ./ops/start-silo.sh <local|staging|production> [--env-file FILE]
#
# The router is published once with a locked restore into .build/router and reused while the sources are
# unchanged. Configuration comes from the process environment, then FILE, then the environment's defaults:
# `local` needs nothing else (stub Bot API, built-in echo agent, memory storage, localhost clustering).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/.build/router"

usage() { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "start-silo: $*" >&2; echo >&2; usage >&2; exit 2; }

environment="${1:-}"
case "$environment" in
  local | staging | production) shift ;;
  -h | --help) usage; exit 0 ;;
  "") die "name the environment: local, staging or production" ;;
  *) die "unknown environment '$environment'" ;;
esac

router_args=()
while (($#)); do
  case "$1" in
    --env-file)
      (($# >= 2)) || die "--env-file needs a file"
      env_file="$2"; shift 2 ;;
    --env-file=*)
      env_file="${1#--env-file=}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option '$1'" ;;
  esac
done
if [[ -n "${env_file:-}" ]]; then
  [[ -f "$env_file" ]] || die "no such env file: $env_file"
  router_args+=(--env-file "$(cd "$(dirname "$env_file")" && pwd)/$(basename "$env_file")")
fi

# A fingerprint of everything the build reads; a new one means a new publish.
source_hash() {
  (cd "$root" && find src grains global.json Directory.Build.props Directory.Packages.props \
      -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.json' -o -name '*.props' \) \
      -not -path '*/bin/*' -not -path '*/obj/*' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

hash="$(source_hash)"
if [[ "$(cat "$build/.source-hash" 2>/dev/null)" != "$hash" ]]; then
  echo "start-silo: building the router (locked restore, Release) into .build/router ..." >&2
  dotnet restore "$root/src/OrleansRouter.Host" --locked-mode -v quiet >&2
  dotnet publish "$root/src/OrleansRouter.Host" -c Release --no-restore -o "$build" -v quiet -nologo >&2
  echo "$hash" > "$build/.source-hash"
fi

export ROUTER_ENV="$environment"
exec dotnet "$build/orleans-router.dll" "${router_args[@]}"
