# Names, paths and addresses of the local test cluster, shared by every cluster script.
# shellcheck shell=bash disable=SC2034 # values are used by the scripts that source this file
here_config="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/cluster/versions.sh
source "$here_config/versions.sh"

WEFT_REPO="$(cd "$here_config/../.." && pwd)"
# Everything a running cluster owns lives under CLUSTER_DIR; cluster-down removes it whole.
CLUSTER_DIR="${WEFT_CLUSTER_DIR:-$WEFT_CACHE/cluster}"
KUBECONFIG_PATH="$CLUSTER_DIR/kubeconfig"
NETNS="${WEFT_NETNS:-weft-cluster}"
NETNS_PATH="/run/netns/$NETNS"
MNTNS_PATH="$CLUSTER_DIR/ns/mnt"
PKI="$CLUSTER_DIR/pki"
LOGS="$CLUSTER_DIR/logs"
PIDS="$CLUSTER_DIR/pids"
# Runtime state (etcd, containerd's images and containers, kubelet's pods) is on a tmpfs mounted
# here inside the node's mount namespace only: fast to fill, gone with the namespace.
NODE_DATA="$CLUSTER_DIR/node"
NODE_DATA_SIZE="${WEFT_NODE_DATA_SIZE:-16g}"
CONTAINERD_SOCK="$CLUSTER_DIR/run/containerd.sock"

NODE_NAME="weft-node"
NODE_IF="weft-node"
SINK_IF="weft-sink"
NODE_IP="10.250.0.2"
NODE_PREFIX="24"
POD_CIDR="10.244.0.0/24"
CLUSTER_CIDR="10.244.0.0/16"
CNI_BRIDGE="weft-cni0"
SERVICE_CIDR="10.96.0.0/16"
KUBERNETES_SVC_IP="10.96.0.1"
DNS_SVC_IP="10.96.0.10"
CLUSTER_DOMAIN="cluster.local"
APISERVER_URL="https://$NODE_IP:6443"

K8S_BIN="$WEFT_CACHE/k8s/$K8S_VERSION/bin"
COREDNS_BIN="$WEFT_CACHE/coredns/$COREDNS_VERSION/bin/coredns"
HELM_BIN="$WEFT_CACHE/helm/$HELM_NPM_VERSION/helm"
GATEWAY_API_CRDS="$WEFT_CACHE/gateway-api/$GATEWAY_API_VERSION/standard-install.yaml"
IMAGES_DIR="$WEFT_CACHE/images"

PAUSE_IMAGE="localhost/weft/pause:$PAUSE_TAG"
COREDNS_IMAGE="localhost/weft/coredns:$COREDNS_VERSION"
NODE_BASE_IMAGE="localhost/weft/node-base:$NODE_BASE_TAG"
ECHO_IMAGE="localhost/weft/e2e-echo:dev"
DEMO_APP_IMAGE="localhost/weft/demo-app:dev"
SIDECAR_IMAGE="localhost/weft/sidecar:dev"
CONTROL_IMAGE="localhost/weft/control-plane:dev"

# Buildah keeps its own store so it never mixes with any other user of buildah on the machine.
BUILDAH_ARGS=(--root "$WEFT_CACHE/buildah/storage" --runroot "$WEFT_CACHE/buildah/run" --storage-driver overlay)

log() { echo "[${LOG_TAG:-cluster} +${SECONDS}s] $*"; }
die() { echo "[${LOG_TAG:-cluster}] ERROR: $*" >&2; exit 1; }

# Runs a command inside the node: its network namespace and its private mount namespace.
in_node() { nsenter --mount="$MNTNS_PATH" --net="$NETNS_PATH" -- "$@"; }
in_netns() { nsenter --net="$NETNS_PATH" -- "$@"; }
kubectl_node() { in_netns "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_PATH" "$@"; }
