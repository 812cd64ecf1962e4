#!/usr/bin/env bash
# Lays out a release tree in DIR: the published router and what runs it, the same tree a release artifact, the
# container image and a VM install carry. ops/release.sh and the Containerfile both build releases with it.
#
#   ./ops/stage-release.sh DIR --id BUILD_SHA [--version VERSION]
#
#   DIR/RELEASE           id, version, lock_sha256 (KEY=value lines)
#   DIR/router/           the published router (orleans-router.dll; needs the ASP.NET Core 10 runtime)
#   DIR/ops/              start-silo.sh, router.sh, smoke.sh, launch.sh, install-release.sh, lib.sh
#   DIR/deploy/           configs/<env>.env, personas/, systemd/
#   DIR/Procfile, DIR/.env.example
#   DIR/SHA256SUMS        every file above; a release's digest is the SHA-256 of this file
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "stage-release: $*" >&2; echo >&2; usage >&2; exit 2; }

dir="" id="" version="0.0.0-dev"
while (($#)); do
  case "$1" in
    --id) (($# >= 2)) || die "--id needs a value"; id="$2"; shift 2 ;;
    --version) (($# >= 2)) || die "--version needs a value"; version="$2"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    -*) die "unknown option '$1'" ;;
    *) [[ -z "$dir" ]] || die "one directory only"; dir="$1"; shift ;;
  esac
done
[[ -n "$dir" ]] || die "name the directory to lay the release out in"
[[ "$id" =~ ^[0-9a-zA-Z._-]+$ ]] || die "--id must be the build's git SHA (letters, digits, . _ -)"
[[ ! -e "$dir" || -z "$(ls -A "$dir")" ]] || die "$dir is not empty"

# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
router_publish "$root" "$root/.build/router"

cp -r "$root/.build/router" "$dir/router"
rm -f "$dir/router/.source-hash"
mkdir -p "$dir/ops" "$dir/deploy"
cp "$root"/ops/{lib.sh,start-silo.sh,router.sh,smoke.sh,launch.sh,install-release.sh} "$dir/ops/"
cp -r "$root/deploy/configs" "$root/deploy/personas" "$dir/deploy/"
[[ -d "$root/deploy/systemd" ]] && cp -r "$root/deploy/systemd" "$dir/deploy/"
[[ -f "$root/Procfile" ]] && cp "$root/Procfile" "$dir/"
cp "$root/.env.example" "$dir/"

lock_sha256="$(cd "$root" && LC_ALL=C sha256sum grains/*/packages.lock.json src/*/packages.lock.json | sha256sum | cut -d' ' -f1)"
printf 'id=%s\nversion=%s\nlock_sha256=%s\n' "$id" "$version" "$lock_sha256" > "$dir/RELEASE"
release_seal "$dir"
echo "staged release $id in $dir ($(release_digest "$dir"))" >&2
