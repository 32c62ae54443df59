#!/usr/bin/env bash
# Builds CoreDNS from its Go module with only the plugins the test cluster's Corefile uses.
# CoreDNS documents picking plugins at compile time; its stock main imports every plugin
# (cloud SDKs included), which would add minutes of compile on a 2-core CI machine for
# nothing the cluster uses. The generated main is CoreDNS's own main with a shorter import list.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=e2e/cluster/versions.sh
source "$here/versions.sh"

out="$WEFT_CACHE/coredns/$COREDNS_VERSION/bin"
if [[ -x "$out/coredns" ]]; then
  echo "[build-coredns] cached: $out/coredns"
  exit 0
fi
# shellcheck source=e2e/cluster/go-env.sh
source "$here/go-env.sh"
helper="$WEFT_CACHE/coredns/$COREDNS_VERSION/helper"
mkdir -p "$helper" "$out"
cd "$helper"
plugins=(errors log health ready cache loadbalance kubernetes)
{
  echo "module weft.local/coredns-build"
  echo
  echo "go 1.25.0"
  echo
  echo "require github.com/coredns/coredns $COREDNS_VERSION"
} > go.mod
{
  echo "package main"
  echo "import ("
  for p in "${plugins[@]}"; do echo "	_ \"github.com/coredns/coredns/plugin/$p\""; done
  echo "	\"github.com/coredns/coredns/coremain\""
  echo ")"
  echo "func main() { coremain.Run() }"
} > main.go
echo "[build-coredns] resolving github.com/coredns/coredns@$COREDNS_VERSION (plugins: ${plugins[*]})"
if ! go mod tidy 2>"$helper/tidy.log"; then
  grep -v '^go: downloading' "$helper/tidy.log" >&2
  echo "[build-coredns] ERROR: go mod tidy failed" >&2
  exit 1
fi
echo "[build-coredns] compiling"
start=$SECONDS
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/coredns/coredns/coremain.GitCommit=$COREDNS_VERSION" -o "$out/coredns" .
echo "[build-coredns] built in $((SECONDS - start))s: $out/coredns"
"$out/coredns" -version
