#!/usr/bin/env bash
# Opens a shell (or runs the given command) inside the cluster's network namespace, with
# KUBECONFIG set and the pinned kubectl and helm first on PATH.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG_TAG=cluster-shell
# shellcheck source=e2e/cluster/config.sh
source "$here/config.sh"
[[ -e "$NETNS_PATH" && -f "$KUBECONFIG_PATH" ]] || die "the cluster is not up (make cluster-up)"
bin="$CLUSTER_DIR/bin"
mkdir -p "$bin"
ln -sf "$K8S_BIN/kubectl" "$bin/kubectl"
ln -sf "$HELM_BIN" "$bin/helm"
export KUBECONFIG="$KUBECONFIG_PATH" PATH="$bin:$PATH"
if (($# == 0)); then
  log "in netns $NETNS with KUBECONFIG=$KUBECONFIG; kubectl and helm on PATH; exit to leave"
  exec nsenter --net="$NETNS_PATH" -- env PS1="(weft-cluster) \\w\\$ " bash --norc -i
fi
exec nsenter --net="$NETNS_PATH" -- "$@"
