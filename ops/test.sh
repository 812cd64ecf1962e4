#!/usr/bin/env bash
# Everything the tests need, then every test: installs missing tools, restores locked, builds (warnings are
# errors), runs each test project, and ends with one line: "Tests: N passed, N failed, N skipped".
# Exits non-zero when anything failed.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
configuration="${CONFIGURATION:-Release}"
results="$root/.build/test-results"

step() { printf '\n== %s\n' "$*"; }
abort() {
  echo "test.sh: $*" >&2
  echo "Tests: 0 passed, 1 failed, 0 skipped"
  exit 1
}

# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"

step "Tools"
command -v dotnet >/dev/null || abort "the .NET SDK is not installed (see global.json for the version)"
dotnet --version
need redis-server redis-server || abort "could not install redis-server; install it and run again"   # tests start their own
redis-server --version
need promtool prometheus || abort "could not install prometheus (for promtool); install it and run again"   # alert rule tests, scrape lint
promtool --version 2>&1 | head -n 1
need chromium chromium || abort "could not install chromium; install it and run again"   # the dashboard page, headless
chromium --version
# The deployment paths: smoke.sh (curl, jq), the Procfile's runner (Debian's Foreman), systemd-analyze for the unit,
# kubectl's kustomize for the manifests, Redis Sentinel for failover.
need jq jq || abort "could not install jq; install it and run again"
need curl curl || abort "could not install curl; install it and run again"
need foreman ruby-foreman || abort "could not install ruby-foreman (for foreman); install it and run again"
need systemd-analyze systemd || abort "could not install systemd (for systemd-analyze); install it and run again"
need kubectl kubernetes-client || abort "could not install kubernetes-client (for kubectl); install it and run again"
kubectl version --client 2>/dev/null | head -n 1
need redis-sentinel redis-sentinel || abort "could not install redis-sentinel; install it and run again"
need redis-cli redis-tools || abort "could not install redis-tools (for redis-cli, redis-check-rdb); install it and run again"   # ops/redis-backup.sh
need npm npm || abort "could not install npm; install it and run again"
need gcc gcc || abort "could not install gcc; install it and run again"   # the unit's address-family filter, in a test
need setpriv util-linux || abort "could not install util-linux (for setpriv); install it and run again"

step "Restore (locked)"
dotnet restore OrleansRouter.sln --locked-mode || abort "the locked restore failed: packages.lock.json and the project files disagree"
dotnet tool restore || abort "the dotnet tools of .config/dotnet-tools.json (CycloneDX, for release SBOMs) could not be restored"
npm ci --prefix tests/tools/k8s-validate --no-audit --no-fund --silent || abort "npm ci for the Kubernetes schema validator failed"

step "Build ($configuration)"
dotnet build OrleansRouter.sln -c "$configuration" --no-restore -nologo -v minimal || abort "the build failed"

step "Tests"
rm -rf "$results"
mkdir -p "$results"
passed=0 failed=0 skipped=0
for project in tests/*.Tests/*.csproj; do
  name="$(basename "$project" .csproj)"
  assembly="tests/$name/bin/$configuration/net10.0/$name.dll"
  report="$results/$name.xml"
  echo "-- $name"
  timeout 1200 dotnet "$assembly" -result-xml "$report" -noColor
  code=$?
  if [[ ! -s "$report" ]]; then
    echo "test.sh: $name produced no results (exit code $code); counted as one failure" >&2
    failed=$((failed + 1))
    continue
  fi
  # One <assembly ... total= passed= failed= skipped= errors= ...> element per test assembly.
  attribute() { grep -o "<assembly [^>]*" "$report" | grep -o " $1=\"[0-9]*\"" | head -1 | grep -o '[0-9]*'; }
  grep -o 'name="[^"]*" result="Fail"' "$report" | sed 's/^name="\(.*\)" result="Fail"$/FAILED: \1/' || true
  passed=$((passed + $(attribute passed)))
  failed=$((failed + $(attribute failed) + $(attribute errors)))
  skipped=$((skipped + $(attribute skipped)))
  if ((code != 0)) && (($(attribute failed) + $(attribute errors) == 0)); then
    echo "test.sh: $name exited with $code although no test failed; counted as one failure" >&2
    failed=$((failed + 1))
  fi
done

((passed + failed > 0)) || abort "no tests ran"
echo "Tests: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
