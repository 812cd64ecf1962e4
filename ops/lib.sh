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

# Publishes the router into .build/router with a locked restore, unless the build there is of the current sources.
# Its own artifacts path keeps the publish away from bin/ and obj/, which builds and tests use meanwhile.
router_build() {
  local root="$1" build="$1/.build/router" artifacts="$1/.build/artifacts" hash
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
  echo "building the router (locked restore, Release) into .build/router ..." >&2
  dotnet restore "$root/src/OrleansRouter.Host" --locked-mode --artifacts-path "$artifacts" -v quiet >&2 &&
    dotnet publish "$root/src/OrleansRouter.Host" -c Release --no-restore --artifacts-path "$artifacts" -o "$build" -v quiet -nologo >&2 &&
    echo "$hash" > "$build/.source-hash"
  local status=$?
  exec {lock}>&-
  return "$status"
}
