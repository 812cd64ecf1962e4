#!/usr/bin/env bash
# Profiles the router through one benchmark scenario: dotnet-trace (a local tool, .config/dotnet-tools.json) listens
# on a diagnostic port, the first router the scenario starts connects to it (DOTNET_DiagnosticPorts, without
# suspending start-up), and the trace runs until that router exits at the scenario's end. Writes the .nettrace, a
# speedscope file beside it (open it at speedscope.app, or any viewer of that format), and a report of the methods
# most often on the sampled stacks, exclusive and inclusive, and of the share of the running time each part of the
# router took while chats were at work (the benchmark's --breakdown), into .build/profile/.
#
#   ./ops/profile.sh burst --storage redis
#   ./ops/profile.sh latency_cold --storage redis --router .build/bench-before/<sha>/.build/router
#
# The samples are of thread stacks (dotnet-sampled-thread-time, about 100 a second per thread), waiting threads
# included: read the methods that run, not the waits. Scenarios with several silos trace the first silo only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"

[[ $# -ge 1 && "$1" != -* ]] || { echo "usage: ops/profile.sh <scenario> [bench arguments, e.g. --storage redis]" >&2; exit 2; }
scenario="$1"
shift
top="${PROFILE_TOP:-25}"

need redis-server redis-server || { echo "profile: could not install redis-server" >&2; exit 1; }
dotnet tool restore >&2
dotnet restore OrleansRouter.sln --locked-mode -v quiet >&2
dotnet build OrleansRouter.sln -c Release --no-restore -nologo -v quiet >&2

out="$root/.build/profile/$scenario-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
port="$out/diagnostics.sock"
dotnet dotnet-trace collect --diagnostic-port "$port" --profile dotnet-common,dotnet-sampled-thread-time \
  --format Speedscope --output "$out/router.nettrace" > "$out/dotnet-trace.log" 2>&1 &
tracer=$!
for _ in $(seq 100); do [[ -S "$port" ]] && break; sleep 0.1; done
[[ -S "$port" ]] || { cat "$out/dotnet-trace.log" >&2; echo "profile: dotnet-trace did not open $port" >&2; exit 1; }

dotnet tests/OrleansRouter.Benchmarks/bin/Release/net10.0/OrleansRouter.Benchmarks.dll --scenario "$scenario" \
  --router-env "DOTNET_DiagnosticPorts=$port,nosuspend" "$@" | grep '^{"scenario"' | tee "$out/result.json"
wait "$tracer" || true

# The sampler sees parked threads as often as working ones: these frames are a thread waiting, not working.
waits='Monitor\.Wait|WaitHandle\.Wait|LowLevelLifoSemaphore|LowLevelSpinWaiter|ManualResetEventSlim\.Wait|Interop\+Sys\.(Read|WaitForSocketEvents)|Missing Symbol'
{
  echo "# $scenario $*: the $top methods most often on the router's sampled stacks"
  echo
  echo "## exclusive (the method itself running)"
  dotnet dotnet-trace report "$out/router.nettrace" topN -n "$top"
  echo
  echo "## exclusive, the waiting frames left out (the first $top of the top $((top * 4)))"
  dotnet dotnet-trace report "$out/router.nettrace" topN -n "$((top * 4))" | grep -Ev "$waits" | sed -n "1,$((top + 1))p"
  echo
  echo "## inclusive (the method or what it called)"
  dotnet dotnet-trace report "$out/router.nettrace" topN -n "$top" --inclusive
  echo
  echo "## where the running time went, while chats were at work"
  dotnet tests/OrleansRouter.Benchmarks/bin/Release/net10.0/OrleansRouter.Benchmarks.dll --breakdown "$out/router.speedscope.json"
} > "$out/top.md"
cat "$out/top.md"
echo "profile: ${out#"$root/"}/{router.nettrace,router.speedscope.json,top.md,result.json}" >&2
