#!/usr/bin/env bash
# Packages the build outputs of `./hart build` into the release archives that the
# provisioning deploys:
#   <out>/hart-api-<version>.tar.gz      api/target/quarkus-app/        -> ansible api_service
#   <out>/hart-storage-<version>.tar.gz  storage-tier/target/hart-storage.jar + lib/ -> ansible storage_schema
#   <out>/hart-ingest-<version>.zip      ingest-tier/target/quarkus-app/ -> dsc/ (Windows ingest host)
#   <out>/SHA256SUMS
#
# usage: ansible/package-artifacts.sh [--root DIR] [--out DIR] [--version VERSION]
#   --root     repository root holding the build outputs (default: this script's repo)
#   --out      output folder (default: <root>/dist)
#   --version  release label (default: $HART_RELEASE_VERSION, else `git describe`, else "dev")
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$script_dir/.." && pwd)
out=""
version="${HART_RELEASE_VERSION:-}"

die() {
    echo "package-artifacts: $*" >&2
    exit 1
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --root) [[ $# -ge 2 ]] || die "--root needs a value"; root=$(cd "$2" && pwd); shift 2 ;;
        --out) [[ $# -ge 2 ]] || die "--out needs a value"; out="$2"; shift 2 ;;
        --version) [[ $# -ge 2 ]] || die "--version needs a value"; version="$2"; shift 2 ;;
        -h | --help) sed -n '2,14p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
    esac
done

out="${out:-$root/dist}"
if [[ -z "$version" ]]; then
    version=$(git -C "$root" describe --tags --always --dirty 2>/dev/null || echo dev)
fi
[[ "$version" =~ ^[A-Za-z0-9._+-]+$ ]] || die "version '$version' may only contain letters, digits and . _ + -"

api_app="$root/api/target/quarkus-app"
ingest_app="$root/ingest-tier/target/quarkus-app"
storage_dir="$root/storage-tier/target"

missing=()
[[ -f "$api_app/quarkus-run.jar" ]] || missing+=("$api_app/quarkus-run.jar")
[[ -f "$ingest_app/quarkus-run.jar" ]] || missing+=("$ingest_app/quarkus-run.jar")
[[ -f "$storage_dir/hart-storage.jar" ]] || missing+=("$storage_dir/hart-storage.jar")
[[ -d "$storage_dir/lib" ]] || missing+=("$storage_dir/lib/")
if [[ ${#missing[@]} -gt 0 ]]; then
    printf 'package-artifacts: missing build output:\n' >&2
    printf '  %s\n' "${missing[@]}" >&2
    die "run ./hart build first"
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)

api_tar="$out/hart-api-$version.tar.gz"
storage_tar="$out/hart-storage-$version.tar.gz"
ingest_zip="$out/hart-ingest-$version.zip"

tar -C "$root/api/target" -czf "$api_tar" quarkus-app
tar -C "$storage_dir" -czf "$storage_tar" hart-storage.jar lib

rm -f "$ingest_zip"
if command -v zip >/dev/null 2>&1; then
    (cd "$root/ingest-tier/target" && zip -qr "$ingest_zip" quarkus-app)
elif command -v python3 >/dev/null 2>&1; then
    (cd "$root/ingest-tier/target" && python3 -m zipfile -c "$ingest_zip" quarkus-app)
else
    die "need zip or python3 to write $ingest_zip"
fi

(cd "$out" && sha256sum "$(basename "$api_tar")" "$(basename "$storage_tar")" "$(basename "$ingest_zip")" > SHA256SUMS)

echo "package-artifacts: wrote release $version to $out"
sed 's/^/  /' "$out/SHA256SUMS"
echo "Deploy it with: export HART_RELEASE_VERSION=$version"
