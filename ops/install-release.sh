#!/usr/bin/env bash
# Installs a release on a VM the runbook's way, or returns to the one before.
#
#   ./ops/install-release.sh ARTIFACT [OPTIONS]     install ARTIFACT (a release tarball, a staged release directory,
#                                                   or the id of a release installed before) and make it current
#   ./ops/install-release.sh --rollback [OPTIONS]   make the previous release current again
#   ./ops/install-release.sh --list [OPTIONS]       the installed releases, current and previous marked
#
#   --prefix DIR            where releases live (default /opt/orleans-router): DIR/releases/<id>, DIR/current and
#                           DIR/previous are symlinks into it
#   --config-dir DIR        the silos' settings (default /etc/orleans-router): <instance>.env names HTTP_ENDPOINT
#   --instances "A B"       the silos to restart, one at a time, in this order (default "standby active")
#   --restart-command CMD   restarts one silo; {instance} is replaced by its name
#                           (default "systemctl restart orleans-router@{instance}.service")
#   --timeout SECONDS       how long each silo may take to pass the smoke check (default 180)
#   --keep N                installed releases kept, current and previous always among them (default 5)
#
# Releases sit side by side; `current` is swapped atomically, then each silo is restarted and must pass
# ops/smoke.sh (three healthy /healthz samples) reporting the new build before the next one is touched. When one
# fails, the previous release is made current again and the silos restarted so far go back to it (exit 1).
# A tarball's .sha256 beside it is checked, and its SHA256SUMS inside; with cosign installed and COSIGN_PUBLIC_KEY
# set, its .sig is verified (without cosign this is said, and skipped).
# Exit codes: 0 done, 1 a silo failed its check (rolled back), 2 usage or a bad artifact.
set -euo pipefail

self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
usage() { sed -n '2,26p' "$self" | sed 's/^# \{0,1\}//'; }
die() { echo "install-release: $*" >&2; exit 2; }
say() { echo "install-release: $*" >&2; }

action=install artifact="" prefix=/opt/orleans-router config_dir=/etc/orleans-router instances="standby active"
restart_command="systemctl restart orleans-router@{instance}.service" timeout=180 keep=5
while (($#)); do
  case "$1" in
    --rollback) action=rollback; shift ;;
    --list) action=list; shift ;;
    --prefix | --config-dir | --instances | --restart-command | --timeout | --keep)
      (($# >= 2)) || die "$1 needs a value"
      case "$1" in
        --prefix) prefix="$2" ;;
        --config-dir) config_dir="$2" ;;
        --instances) instances="$2" ;;
        --restart-command) restart_command="$2" ;;
        --timeout) [[ "$2" =~ ^[0-9]+$ ]] || die "--timeout takes seconds"; timeout="$2" ;;
        --keep) [[ "$2" =~ ^[0-9]+$ ]] && (($2 >= 2)) || die "--keep takes a number of 2 or more"; keep="$2" ;;
      esac
      shift 2 ;;
    -h | --help) usage; exit 0 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) [[ -z "$artifact" ]] || die "one artifact only"; artifact="$1"; shift ;;
  esac
done
[[ "$action" != install || -n "$artifact" ]] || die "name the release to install (see --help)"
[[ "$action" == install || -z "$artifact" ]] || die "--$action takes no artifact"
releases="$prefix/releases"

current_id() { [[ -L "$prefix/$1" ]] && basename "$(readlink "$prefix/$1")" || true; }

# Points the symlink <name> at releases/<id>, atomically.
point() {
  ln -sfn "releases/$2" "$prefix/.$1.new"
  mv -Tf "$prefix/.$1.new" "$prefix/$1"
}

# The URL of an instance's /healthz, from the HTTP_ENDPOINT in its env file (":8080" is this machine's 8080).
health_url() {
  local file="$config_dir/$1.env" endpoint
  [[ -f "$file" ]] || die "no settings for instance '$1': $file does not exist"
  endpoint="$(sed -n 's/^[[:space:]]*HTTP_ENDPOINT[[:space:]]*=[[:space:]]*//p' "$file" | tail -n 1 | tr -d '"'"'"'')"
  endpoint="${endpoint:-127.0.0.1:8080}"
  [[ "$endpoint" == :* ]] && endpoint="127.0.0.1$endpoint"
  endpoint="${endpoint/0.0.0.0:/127.0.0.1:}"
  echo "http://$endpoint"
}

# Restarts one instance and waits until it passes the smoke check and reports build <id>.
restart_one() {
  local instance="$1" id="$2" url report
  url="$(health_url "$instance")"
  say "restarting $instance on release $id"
  bash -c "${restart_command//\{instance\}/$instance}" >&2 || { say "the restart of $instance failed"; return 1; }
  report="$("$releases/$id/ops/smoke.sh" "$url" --no-message --timeout "$timeout")" || { say "$instance did not pass the smoke check"; return 1; }
  echo "$report" >&2
  [[ "$report" == *"build_sha=$id "* ]] || { say "$instance answers, but not with build $id: $report"; return 1; }
}

# Makes <id> current and restarts every instance onto it; on a failure, goes back to <fallback> (if any).
switch_to() {
  local id="$1" fallback="$2" done_instances=() instance
  point current "$id"
  [[ -n "$fallback" ]] && point previous "$fallback"
  say "current is now $id"
  for instance in $instances; do
    done_instances+=("$instance")
    if ! restart_one "$instance" "$id"; then
      [[ -n "$fallback" ]] || { say "no release to go back to"; exit 1; }
      say "going back to $fallback"
      point current "$fallback"
      point previous "$id"
      for instance in "${done_instances[@]}"; do
        restart_one "$instance" "$fallback" || say "$instance did not come back on $fallback either; it needs you"
      done
      exit 1
    fi
  done
}

verify_signature() {
  local file="$1"
  if [[ ! -f "$file.sig" ]]; then
    say "no signature beside $(basename "$file"); not verified"
  elif ! command -v cosign >/dev/null; then
    say "cosign is not installed; the signature of $(basename "$file") was not verified"
  elif [[ -z "${COSIGN_PUBLIC_KEY:-}" ]]; then
    say "COSIGN_PUBLIC_KEY is not set; the signature of $(basename "$file") was not verified"
  else
    cosign verify-blob --key "$COSIGN_PUBLIC_KEY" --signature "$file.sig" "$file" >&2 || die "the signature of $(basename "$file") does not verify"
    say "signature verified"
  fi
}

# Unpacks or copies the artifact into releases/<id> (checked) and prints the id.
unpack() {
  local source="$1" incoming id
  mkdir -p "$releases"
  if [[ -d "$releases/$source" && -f "$releases/$source/RELEASE" ]]; then
    echo "$source"
    return
  fi
  incoming="$(mktemp -d "$releases/.incoming.XXXXXX")"
  if [[ -f "$source" ]]; then
    if [[ -f "$source.sha256" ]]; then
      (cd "$(dirname "$source")" && sha256sum -c --quiet "$(basename "$source").sha256" >&2) || { rm -rf "$incoming"; die "$source does not match its .sha256"; }
    fi
    verify_signature "$source"
    tar -xzf "$source" -C "$incoming" --strip-components=1 || { rm -rf "$incoming"; die "$source is not a release tarball"; }
  elif [[ -d "$source" ]]; then
    cp -a "$source/." "$incoming/"
  else
    rm -rf "$incoming"
    die "no release tarball, directory or installed release '$source'"
  fi
  [[ -f "$incoming/RELEASE" && -f "$incoming/SHA256SUMS" ]] || { rm -rf "$incoming"; die "$source is not a release (no RELEASE and SHA256SUMS)"; }
  (cd "$incoming" && sha256sum -c --quiet SHA256SUMS >&2) || { rm -rf "$incoming"; die "$source does not match its SHA256SUMS"; }
  id="$(sed -n 's/^id=//p' "$incoming/RELEASE")"
  [[ "$id" =~ ^[0-9a-zA-Z._-]+$ ]] || { rm -rf "$incoming"; die "$source has no usable release id"; }
  if [[ -d "$releases/$id" ]]; then
    cmp -s "$incoming/SHA256SUMS" "$releases/$id/SHA256SUMS" || { rm -rf "$incoming"; die "release $id is installed already with other contents"; }
    rm -rf "$incoming"
  else
    chmod -R a+rX,go-w "$incoming"
    mv "$incoming" "$releases/$id"
    say "installed release $id in $releases/$id"
  fi
  echo "$id"
}

# Removes the oldest releases beyond --keep, never current or previous.
prune() {
  local current previous release
  current="$(current_id current)" previous="$(current_id previous)"
  for release in $(ls -1t "$releases" | tail -n +"$((keep + 1))"); do
    [[ "$release" == "$current" || "$release" == "$previous" ]] && continue
    rm -rf "${releases:?}/$release"
    say "removed old release $release"
  done
}

case "$action" in
  list)
    [[ -d "$releases" ]] || die "no releases in $prefix"
    for release in $(ls -1t "$releases"); do
      mark=""
      [[ "$release" == "$(current_id current)" ]] && mark=" (current)"
      [[ "$release" == "$(current_id previous)" ]] && mark=" (previous)"
      echo "$release$mark"
    done
    ;;
  install)
    id="$(unpack "$artifact")"
    from="$(current_id current)"
    if [[ "$id" == "$from" ]]; then
      say "release $id is current already; nothing to do"
      exit 0
    fi
    switch_to "$id" "$from"
    prune
    say "release $id is running on: $instances"
    ;;
  rollback)
    to="$(current_id previous)" from="$(current_id current)"
    [[ -n "$to" && -d "$releases/$to" ]] || die "there is no previous release to go back to"
    switch_to "$to" "$from"
    say "rolled back from $from to $to"
    ;;
esac
