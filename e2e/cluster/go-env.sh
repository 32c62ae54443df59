# Sourced by the Go builds of the cluster's components (build-k8s.sh, build-coredns.sh): the
# machine's Go, no toolchain download, and module and build caches kept in $WEFT_CACHE.
# A CI shell may not have the machine's Go on PATH.
if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then PATH="$PATH:/usr/local/go/bin"; fi
export GOTOOLCHAIN=local GOFLAGS=-mod=mod
export GOMODCACHE="$WEFT_CACHE/gomod" GOCACHE="$WEFT_CACHE/go-build"
