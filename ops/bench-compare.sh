#!/usr/bin/env bash
# Before/after: benchmarks the router built from <before-commit> against the router built from this tree, in one
# session on one machine, alternating the two builds run by run (absolute times on a shared machine move; ratios
# measured side by side hold). Each build is published the way ops/start-silo.sh publishes it (locked restore,
# Release); the "before" tree is a git worktree under .build/bench-before/. Prints every result line with its
# `build` (before or after) as it finishes, then a table: per scenario and figure, the median of each build's runs
# and after / before. The lines are kept in .build/bench-compare/.
#
#   ./ops/bench-compare.sh 5a7df35 --scenario latency --runs 1 --storage redis
#   ./ops/bench-compare.sh 5a7df35 --scenario burst --scenario latency_cold --storage redis   # three runs each
#
# Every argument after the commit but --runs N (default 3) and --scenario NAME goes to the benchmark (ops/bench.sh
# lists them); with no --scenario, each run is the benchmark's whole set.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"

before_commit=""
runs=3
scenarios=()
bench_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --scenario) scenarios+=(--scenario "$2"); shift 2 ;;
    -*) bench_args+=("$1"); shift ;;
    *) [[ -z "$before_commit" ]] && before_commit="$1" || bench_args+=("$1"); shift ;;
  esac
done
[[ -n "$before_commit" ]] || { echo "usage: ops/bench-compare.sh <before-commit> [--runs N] [--scenario NAME]... [bench arguments]" >&2; exit 2; }

need redis-server redis-server || { echo "bench-compare: could not install redis-server" >&2; exit 1; }
sha="$(git rev-parse --verify "$before_commit^{commit}")"
before_tree="$root/.build/bench-before/$sha"
if [[ ! -d "$before_tree" ]]; then
  git worktree add --detach "$before_tree" "$sha" >&2
fi
# Each tree is published by its own ops/lib.sh: how the router is built (ReadyToRun, say) is part of what is compared.
(source "$before_tree/ops/lib.sh" && router_publish "$before_tree" "$before_tree/.build/router")
router_publish "$root" "$root/.build/router"
dotnet restore tests/OrleansRouter.Benchmarks --locked-mode -v quiet >&2
dotnet build tests/OrleansRouter.Benchmarks -c Release --no-restore -nologo -v quiet >&2
bench="$root/tests/OrleansRouter.Benchmarks/bin/Release/net10.0/OrleansRouter.Benchmarks.dll"

mkdir -p "$root/.build/bench-compare"
results="$root/.build/bench-compare/$(date -u +%Y%m%dT%H%M%SZ)-${sha:0:7}.jsonl"
echo "bench-compare: before = ${sha:0:7}, after = this tree ($(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src grains || echo ', with changes')); $runs run(s) each; lines in ${results#"$root/"}" >&2

# One scenario at a time, so that each before run has its after run right beside it.
units=("${scenarios[@]}")
[[ ${#units[@]} -gt 0 ]] || units=(--all)
for ((unit = 0; unit < ${#units[@]}; unit += 2)); do
  selection=()
  [[ "${units[unit]}" == --all ]] || selection=(--scenario "${units[unit + 1]}")
  for ((run = 1; run <= runs; run++)); do
    for build in before after; do
      router="$root/.build/router"
      [[ "$build" == before ]] && router="$before_tree/.build/router"
      dotnet "$bench" "${selection[@]}" --router "$router" --build "$build" "${bench_args[@]}" | { grep '^{"scenario"' || true; } | tee -a "$results"
    done
  done
done

echo
dotnet "$bench" --summarize "$results"
