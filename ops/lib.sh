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
