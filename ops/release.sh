#!/usr/bin/env bash
# Makes a release artifact of the commit checked out, from a clean tree.
#
#   ./ops/release.sh [--out DIR] [--version VERSION] [--image auto|yes|no] [--sign]
#
# Writes to DIR (default dist/):
#   orleans-router-<sha>.tar.gz          the release tree (ops/stage-release.sh): the published router, the scripts
#                                        that run it, deploy/configs, RELEASE, LOCK_SHA256, sbom.cdx.json, SHA256SUMS
#   orleans-router-<sha>.tar.gz.sha256   the tarball's checksum
#   orleans-router-<sha>.tar.gz.sig      with --sign: cosign's signature of the tarball (COSIGN_KEY names the key)
# With podman or docker present (--image auto, the default), the image is built from the Containerfile as
# orleans-router:<sha>; --image yes makes a failed image build fail the release, --image no skips it.
# VERSION defaults to `git describe --tags --always`. The SBOM is CycloneDX, from the dotnet tool in
# .config/dotnet-tools.json.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "release: $*" >&2; exit 2; }
say() { echo "release: $*" >&2; }

out="$root/dist" version="" image=auto sign=false
while (($#)); do
  case "$1" in
    --out) (($# >= 2)) || die "--out needs a value"; out="$2"; shift 2 ;;
    --version) (($# >= 2)) || die "--version needs a value"; version="$2"; shift 2 ;;
    --image) (($# >= 2)) || die "--image needs a value"; [[ "$2" =~ ^(auto|yes|no)$ ]] || die "--image takes auto, yes or no"; image="$2"; shift 2 ;;
    --sign) sign=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

cd "$root"
git rev-parse --git-dir >/dev/null 2>&1 || die "not a git checkout: a release is named by its commit"
[[ -z "$(git status --porcelain --untracked-files=normal)" ]] || die "the tree has uncommitted changes; a release is made from a clean tree (git status)"
sha="$(git rev-parse HEAD)"
version="${version:-$(git describe --tags --always)}"
name="orleans-router-$sha"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
[[ ! -e "$out/$name.tar.gz" ]] || die "$out/$name.tar.gz exists already"

# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"
staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
tree="$staging/$name"
"$root/ops/stage-release.sh" "$tree" --id "$sha" --version "$version"
release_field "$tree" lock_sha256 > "$tree/LOCK_SHA256"

say "writing the SBOM (CycloneDX)"
dotnet tool restore >/dev/null
dotnet tool run dotnet-CycloneDX "$root/src/OrleansRouter.Host/OrleansRouter.Host.csproj" \
    --output-format json --filename sbom.cdx.json --output "$tree" --set-version "$version" --exclude-dev >&2 ||
  die "the SBOM could not be written"
release_seal "$tree"

tar -C "$staging" --sort=name --owner=0 --group=0 --numeric-owner -czf "$out/$name.tar.gz" "$name"
(cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
say "release $sha: $out/$name.tar.gz ($(release_digest "$tree"))"

if [[ "$sign" == true ]]; then
  if ! command -v cosign >/dev/null; then
    say "cosign is not installed; the release is not signed"
  else
    [[ -n "${COSIGN_KEY:-}" ]] || die "--sign needs COSIGN_KEY (the key cosign signs with)"
    cosign sign-blob --yes --key "$COSIGN_KEY" --output-signature "$out/$name.tar.gz.sig" "$out/$name.tar.gz" >&2
    say "signed: $out/$name.tar.gz.sig"
  fi
fi

engine=""
for candidate in podman docker; do
  command -v "$candidate" >/dev/null && { engine="$candidate"; break; }
done
if [[ "$image" == no ]]; then
  say "image: not built (--image no)"
elif [[ -z "$engine" ]]; then
  [[ "$image" == yes ]] && die "image: neither podman nor docker is installed"
  say "image: not built, neither podman nor docker is installed"
elif "$engine" build -f Containerfile --build-arg "BUILD_SHA=$sha" --build-arg "VERSION=$version" \
    --build-arg "SOURCE=$(git remote get-url origin 2>/dev/null || echo unknown)" -t "orleans-router:$sha" . >&2; then
  say "image: orleans-router:$sha ($engine)"
else
  [[ "$image" == yes ]] && die "image: the $engine build failed"
  say "image: the $engine build failed (is the base image reachable?); the release has no image"
fi
