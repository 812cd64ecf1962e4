# Shared by the ops scripts; sourced, not run.

# Installs a Debian package when its command is missing (as root, or through sudo). Fails when it cannot.
need() {
  local command="$1" package="$2"
  command -v "$command" >/dev/null && return 0
  echo "installing $package (for $command)" >&2
  local sudo=()
  [[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$package" >/dev/null
}

# Sets router_dir to the published router that scripts in <root> run. A release tree (it has a RELEASE file, see
# ops/stage-release.sh) carries its build in router/ and never builds; a source checkout publishes into .build/router
# with a locked restore, unless the build there is of the current sources.
router_build() {
  local root="$1"
  if [[ -f "$root/RELEASE" ]]; then
    router_dir="$root/router"
    [[ -f "$router_dir/orleans-router.dll" ]] || { echo "the release in $root has no router/orleans-router.dll" >&2; return 1; }
    return 0
  fi
  router_dir="$root/.build/router"
  router_publish "$root" "$router_dir"
}

# Reads KEY from a release's RELEASE file (KEY=value lines).
release_field() { sed -n "s/^$2=//p" "$1/RELEASE" | head -n 1; }

# A release's digest: the SHA-256 of its SHA256SUMS, which lists every other file of the release.
release_digest() { echo "sha256:$(sha256sum "$1/SHA256SUMS" | cut -d' ' -f1)"; }

# Writes a release's SHA256SUMS anew, over every other file in it.
release_seal() { (cd "$1" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum > SHA256SUMS); }

# Publishes the router into <build>, unless the build there is of the current sources. Its own artifacts path keeps
# the publish away from bin/ and obj/, which builds and tests use meanwhile.
router_publish() {
  local root="$1" build="$2" artifacts="$1/.build/artifacts" hash
  hash="$(cd "$root" && find src grains global.json Directory.Build.props Directory.Packages.props \
      -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.json' -o -name '*.props' -o -name '*.targets' \) \
      -not -path '*/bin/*' -not -path '*/obj/*' -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
  [[ "$(cat "$build/.source-hash" 2>/dev/null)" == "$hash" ]] && return 0
  # Silos started together build once: the others wait here, then find the build done.
  mkdir -p "$root/.build"
  local lock
  exec {lock}>"$root/.build/router.lock"
  flock "$lock"
  if [[ "$(cat "$build/.source-hash" 2>/dev/null)" == "$hash" ]]; then
    exec {lock}>&-
    return 0
  fi
  echo "building the router (locked restore, Release) into ${build#"$root/"} ..." >&2
  # ReadyToRun on x64, the machines the router ships for; elsewhere the plain build, compiled as it runs.
  local precompiled=()
  if [[ "$(uname -m)" == x86_64 ]]; then
    precompiled=(-r linux-x64 --self-contained false -p:PublishReadyToRun=true)
  fi
  dotnet restore "$root/src/OrleansRouter.Host" --locked-mode --artifacts-path "$artifacts" -p:PublishReadyToRun=true -v quiet >&2 &&
    dotnet publish "$root/src/OrleansRouter.Host" -c Release --no-restore "${precompiled[@]}" --artifacts-path "$artifacts" -o "$build" -v quiet -nologo >&2 &&
    echo "$hash" > "$build/.source-hash"
  local status=$?
  exec {lock}>&-
  return "$status"
}
