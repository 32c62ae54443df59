#!/usr/bin/env bash
# Builds the pinned Kubernetes binaries (and kubectl) from the k8s.io/kubernetes Go module.
# `go install k8s.io/kubernetes/cmd/...@vX` fails because its go.mod points every staging module
# (k8s.io/api, client-go, ...) at ./staging via replace directives, so we generate a throwaway
# module outside the repo that requires k8s.io/kubernetes and replaces each staging module with
# its published v0.Y.Z tag. Output: $WEFT_CACHE/k8s/$K8S_VERSION/bin, reused when complete.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/cluster/versions.sh
source "$here/versions.sh"
die() { echo "[build-k8s] ERROR: $*" >&2; exit 1; }

out="$WEFT_CACHE/k8s/$K8S_VERSION/bin"
bins=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
complete=1
for b in "${bins[@]}"; do [[ -x "$out/$b" ]] || complete=0; done
if [[ $complete == 1 ]]; then
  echo "[build-k8s] cached: $out"
  exit 0
fi

# shellcheck source=e2e/cluster/go-env.sh
source "$here/go-env.sh"
helper="$WEFT_CACHE/k8s/$K8S_VERSION/helper"
mkdir -p "$helper" "$out"
cd "$helper"

echo "[build-k8s] downloading k8s.io/kubernetes@$K8S_VERSION"
gomod="$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
staging_version="v0.${K8S_VERSION#v1.}"
{
  echo "module weft.local/k8s-build"
  echo
  grep -E '^go [0-9]' "$gomod"
  grep -E '^godebug ' "$gomod" || true
  echo
  echo "require k8s.io/kubernetes $K8S_VERSION"
  echo
  echo "replace ("
  sed -n 's#^\s*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#\t\1 => \1 '"$staging_version"'#p' "$gomod"
  echo ")"
} > go.mod
# A blank-import file makes `go mod tidy` resolve exactly the packages we build.
{
  echo "//go:build tools"
  echo "package tools"
  echo "import ("
  for b in "${bins[@]}"; do echo "	_ \"k8s.io/kubernetes/cmd/$b\""; done
  echo ")"
} > tools.go
echo "[build-k8s] resolving modules (replacing $(grep -c '=>' go.mod) staging modules with $staging_version)"
if ! go mod tidy 2>"$helper/tidy.log"; then
  grep -v '^go: downloading' "$helper/tidy.log" >&2
  die "go mod tidy failed"
fi

ldflags="-s -w"
ldflags+=" -X k8s.io/component-base/version.gitVersion=$K8S_VERSION"
ldflags+=" -X k8s.io/component-base/version.gitMajor=1"
ldflags+=" -X k8s.io/component-base/version.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2)"
ldflags+=" -X k8s.io/component-base/version.gitTreeState=clean"
ldflags+=" -X k8s.io/component-base/version.buildDate=1970-01-01T00:00:00Z"
ldflags+=" -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION"
ldflags+=" -X k8s.io/client-go/pkg/version.gitMajor=1"
ldflags+=" -X k8s.io/client-go/pkg/version.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2)"
pkgs=()
for b in "${bins[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
echo "[build-k8s] compiling ${bins[*]} (cold: about 6 minutes on 2 cores)"
start=$SECONDS
# One invocation so the packages the binaries share compile once.
CGO_ENABLED=0 go build -trimpath -tags "providerless,dockerless" -ldflags "$ldflags" -o "$out/" "${pkgs[@]}"
echo "[build-k8s] built in $((SECONDS - start))s: $out"
"$out/kubelet" --version
