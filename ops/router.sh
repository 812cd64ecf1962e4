#!/usr/bin/env bash
# Runs the router executable with your arguments, from the build ops/start-silo.sh uses (in a source checkout, built
# first if the sources changed; in a release, the build it carries). For the operator commands of the runbook:
#
#   ./ops/router.sh --check-config --env-file FILE
#   ./ops/router.sh --diff-config --env-file NEW --against OLD [--max-diff 5%] [--json]
#   ./ops/router.sh --inspect-queue --env-file FILE [--json] [--top N] [--show-chat-ids]
#   ./ops/router.sh --print-lock-hash
#   ./ops/router.sh --help
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"
router_build "$root"
exec dotnet "$router_dir/orleans-router.dll" "$@"
