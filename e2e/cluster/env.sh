#!/usr/bin/env bash
# Prints the cluster's settings as KEY=VALUE lines, so the TypeScript API reads the same values
# as the shell scripts instead of keeping a second copy (e2e/cluster/settings.ts).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/cluster/config.sh
source "$here/config.sh"
for v in WEFT_CACHE CLUSTER_DIR KUBECONFIG_PATH NETNS NETNS_PATH NODE_NAME NODE_IP POD_CIDR \
  SERVICE_CIDR DNS_SVC_IP CLUSTER_DOMAIN APISERVER_URL K8S_VERSION K8S_BIN HELM_BIN \
  GATEWAY_API_VERSION GATEWAY_API_CRDS \
  ECHO_IMAGE DEMO_APP_IMAGE NODE_BASE_IMAGE SIDECAR_IMAGE CONTROL_IMAGE COREDNS_VERSION; do
  printf '%s=%s\n' "$v" "${!v}"
done
