#!/usr/bin/env bash
# Builds Kubernetes' own pod sandbox process ("pause") from build/pause/linux/pause.c in the same
# k8s.io/kubernetes module the other components come from, statically linked so it runs in an
# image that holds nothing else. Output: $WEFT_CACHE/k8s/$K8S_VERSION/bin/pause, reused.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/cluster/versions.sh
source "$here/versions.sh"
# shellcheck source=e2e/cluster/go-env.sh
source "$here/go-env.sh"
die() { echo "[build-pause] ERROR: $*" >&2; exit 1; }

out="$WEFT_CACHE/k8s/$K8S_VERSION/bin/pause"
if [[ -x "$out" ]]; then
  echo "[build-pause] cached: $out"
  exit 0
fi
echo "[build-pause] fetching k8s.io/kubernetes@$K8S_VERSION (module cache) for build/pause"
dir="$(GOFLAGS= go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"
src="$dir/build/pause/linux/pause.c"
[[ -f "$src" ]] || die "no $src in the module"
mkdir -p "$(dirname "$out")"
gcc -Os -Wall -Werror -static -DVERSION="$K8S_VERSION" -o "$out.tmp" "$src"
strip "$out.tmp"
mv "$out.tmp" "$out"
echo "[build-pause] built $out ($("$out" -v 2>&1 | head -1))"
