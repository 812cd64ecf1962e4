#!/usr/bin/env bash
# Benchmarks the router: the real executable, driven through a Bot API emulator and an A2A agent on loopback,
# each scenario with memory and with Redis storage. Prints one JSON line per scenario as it finishes, then the
# whole report with the machine it ran on. docs/benchmarks.md explains the scenarios and keeps the figures.
#
#   ./ops/bench.sh                                      # every scenario, both storages: about fifteen minutes
#   ./ops/bench.sh --scenario latency --storage redis   # one of burst, latency, latency_cold, idle, slow_agent,
#                                                       # paced, kill, kill_defaults, memory, rolling, stream, push
#   ./ops/bench.sh --scenario burst --router .build/bench-before/<sha>/.build/router   # another build's router
#
# --router takes an orleans-router.dll or the directory holding one (default: this tree's Release build);
# --router-env KEY=VALUE adds a setting to every router started; --build LABEL writes "build": LABEL into each
# result line. ops/bench-compare.sh runs two builds side by side; ops/profile.sh runs one scenario under dotnet-trace.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"

need redis-server redis-server || { echo "bench: could not install redis-server" >&2; exit 1; }
dotnet restore OrleansRouter.sln --locked-mode -v quiet >&2
dotnet build OrleansRouter.sln -c Release --no-restore -nologo -v quiet >&2
exec dotnet tests/OrleansRouter.Benchmarks/bin/Release/net10.0/OrleansRouter.Benchmarks.dll "$@"
