#!/usr/bin/env bash
# Gets the Gateway API CRDs (standard channel) at the pinned version from the Go module
# sigs.k8s.io/gateway-api through the Go module proxy, the same route as the cluster's other
# parts, and writes them as one manifest to $GATEWAY_API_CRDS. Nothing is compiled.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG_TAG=gateway-api
# shellcheck source=e2e/cluster/config.sh
source "$here/config.sh"

if [[ -s "$GATEWAY_API_CRDS" ]]; then
  log "cached: $GATEWAY_API_CRDS"
  exit 0
fi
# shellcheck source=e2e/cluster/go-env.sh
source "$here/go-env.sh"
module="sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION"
log "downloading $module"
dir="$(go mod download -json "$module" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
[[ -n "$dir" && -d "$dir/config/crd/standard" ]] || die "$module has no config/crd/standard"
mapfile -t crds < <(find "$dir/config/crd/standard" -maxdepth 1 -name '*.yaml' ! -name 'kustomization.yaml' | sort)
((${#crds[@]} > 0)) || die "no CRDs under $dir/config/crd/standard"
mkdir -p "$(dirname "$GATEWAY_API_CRDS")"
tmp="$GATEWAY_API_CRDS.tmp"
for f in "${crds[@]}"; do
  printf -- '---\n# %s\n' "$(basename "$f")"
  cat "$f"
done > "$tmp"
mv "$tmp" "$GATEWAY_API_CRDS"
log "wrote ${#crds[@]} CRDs to $GATEWAY_API_CRDS: $(printf '%s ' "${crds[@]##*/}")"
