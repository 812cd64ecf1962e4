#!/usr/bin/env bash
# The container's entrypoint: the runbook's launch, `start-silo.sh "$ROUTER_ENV" --env-file <secrets> [ARGS]`, so the
# config guard runs first (exit 2 and no silo on a bad configuration) and deploy/configs/$ROUTER_ENV.env is read
# before the secrets. The secrets come from ROUTER_SECRETS_FILE (default /run/secrets/.env.runtime) when that file
# exists, and from the environment either way. Arguments are passed on, e.g. `--otel`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
secrets="${ROUTER_SECRETS_FILE:-/run/secrets/.env.runtime}"
[[ -n "${ROUTER_ENV:-}" ]] || { echo "launch: ROUTER_ENV is not set (local, staging or production)" >&2; exit 2; }
if [[ -n "${ROUTER_SECRETS_FILE:-}" && ! -f "$secrets" ]]; then
  echo "launch: ROUTER_SECRETS_FILE names $secrets, which does not exist" >&2
  exit 2
fi

files=()
[[ -f "$secrets" ]] && files=(--env-file "$secrets")
exec "$root/ops/start-silo.sh" "$ROUTER_ENV" "${files[@]}" "$@"
