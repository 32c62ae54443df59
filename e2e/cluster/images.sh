#!/usr/bin/env bash
# Builds every image the local cluster runs, with buildah and no registry, and exports each to an
# OCI archive under $WEFT_CACHE/images that cluster-up imports into containerd:
#   node-base   debootstrap minbase + this machine's node and npm (stands in for node:20-bookworm-slim)
#   pause       the pod sandbox: Kubernetes' own pause (build-pause.sh) on an empty image
#   coredns     the CoreDNS binary built by build-coredns.sh, on an empty image
#   e2e-echo    the small HTTP app of the smoke suite (e2e/apps/echo), FROM node-base
#   demo-app    the demo application of `make demo` (e2e/apps/demo), FROM node-base
#   sidecar, control-plane   Dockerfile.sidecar / Dockerfile.control, when dist/ has been built
# Usage: images.sh [--weft-only]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG_TAG=images
# shellcheck source=e2e/cluster/config.sh
source "$here/config.sh"

# A failed RUN step leaves its working container (and its overlay mount) behind: remove them all.
trap 'buildah "${BUILDAH_ARGS[@]}" rm --all >/dev/null 2>&1 || true' EXIT
weft_only=0
[[ "${1:-}" == "--weft-only" ]] && weft_only=1
mkdir -p "$IMAGES_DIR"
bah() { buildah "${BUILDAH_ARGS[@]}" "$@"; }
have_image() { bah inspect --type image "$1" >/dev/null 2>&1; }

# Writes the image to $IMAGES_DIR/<file>.oci.tar unless the archive already holds this image ID.
export_image() {
  local image="$1" file="$IMAGES_DIR/$2.oci.tar"
  local id
  id="$(bah inspect --type image --format '{{.FromImageID}}' "$image")"
  if [[ -f "$file" && "$(cat "$file.id" 2>/dev/null)" == "$id" ]]; then
    return 0
  fi
  log "exporting $image -> $file"
  rm -f "$file"
  bah push --quiet "$image" "oci-archive:$file:$image" >/dev/null
  echo "$id" > "$file.id"
}

build_rootfs() {
  local tar="$IMAGES_DIR/rootfs-$DEBIAN_SUITE-minbase.tar"
  if [[ -f "$tar" ]]; then return 0; fi
  local dir
  dir="$(mktemp -d "$IMAGES_DIR/rootfs.XXXX")"
  log "debootstrap --variant=minbase $DEBIAN_SUITE (about 30 s)"
  debootstrap --variant=minbase "$DEBIAN_SUITE" "$dir" http://deb.debian.org/debian >"$IMAGES_DIR/debootstrap.log" 2>&1 \
    || { tail -20 "$IMAGES_DIR/debootstrap.log"; die "debootstrap failed"; }
  # Same user as the official node image, so Dockerfiles that say USER node work on both.
  chroot "$dir" useradd --uid 1000 --create-home --shell /bin/bash node
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
  tar -C "$dir" -cf "$tar.tmp" .
  mv "$tar.tmp" "$tar"
  rm -rf "$dir"
}

build_node_base() {
  local node_version
  node_version="$(node --version)"
  [[ "$node_version" == v20.* ]] || die "need Node 20 on this machine to make the base image, found $node_version"
  if have_image "$NODE_BASE_IMAGE" && [[ "$(bah inspect --type image --format '{{index .ImageAnnotations "dev.weft.node-version"}}' "$NODE_BASE_IMAGE")" == "$node_version" ]]; then
    return 0
  fi
  build_rootfs
  log "building $NODE_BASE_IMAGE (node $node_version)"
  local c
  c="$(bah from scratch)"
  bah add --quiet "$c" "$IMAGES_DIR/rootfs-$DEBIAN_SUITE-minbase.tar" / >/dev/null
  bah copy --quiet "$c" "$(command -v node)" /usr/local/bin/node >/dev/null
  bah copy --quiet "$c" /usr/lib/node_modules/npm /usr/local/lib/node_modules/npm >/dev/null
  bah run --network none "$c" -- sh -c 'ln -sf ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -sf ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx && node --version >/dev/null'
  bah config --env NODE_VERSION="${node_version#v}" --cmd node --workingdir / \
    --annotation "dev.weft.node-version=$node_version" "$c"
  bah commit --quiet --rm "$c" "$NODE_BASE_IMAGE" >/dev/null
  # The Dockerfiles' default BASE, so a build without --build-arg also resolves locally.
  bah tag "$NODE_BASE_IMAGE" docker.io/library/node:20-bookworm-slim
}

build_static() {
  local image="$1" src="$2" dest="$3"; shift 3
  if have_image "$image"; then return 0; fi
  log "building $image"
  local c
  c="$(bah from scratch)"
  bah copy --quiet "$c" "$src" "$dest" >/dev/null
  bah config "$@" "$c"
  bah commit --quiet --rm "$c" "$image" >/dev/null
}

bud() {
  local image="$1" dockerfile="$2" context="$3"
  log "buildah bud -f $dockerfile -t $image (BASE=$NODE_BASE_IMAGE)"
  # Host network only so RUN npm ci reaches the npm registry; nothing listens during a build.
  # The machine's CA bundle (it may hold a TLS-intercepting proxy's CA) for RUN npm ci.
  local ca="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}" secret=()
  [[ -f "$ca" ]] && secret=(--secret "id=npm-ca,src=$ca")
  bah bud --quiet --layers --pull=never --network host "${secret[@]}" --build-arg "BASE=$NODE_BASE_IMAGE" \
    -f "$dockerfile" -t "$image" "$context" >/dev/null
}

if [[ $weft_only == 0 ]]; then
  build_node_base
  [[ -x "$K8S_BIN/pause" ]] || die "missing $K8S_BIN/pause: run e2e/cluster/build-pause.sh"
  build_static "$PAUSE_IMAGE" "$K8S_BIN/pause" /pause --entrypoint '["/pause"]'
  bud "$ECHO_IMAGE" "$WEFT_REPO/e2e/apps/echo/Dockerfile" "$WEFT_REPO/e2e/apps/echo"
  bud "$DEMO_APP_IMAGE" "$WEFT_REPO/e2e/apps/demo/Dockerfile" "$WEFT_REPO/e2e/apps/demo"
  [[ -x "$COREDNS_BIN" ]] || die "missing $COREDNS_BIN: run e2e/cluster/build-coredns.sh"
  build_static "$COREDNS_IMAGE" "$COREDNS_BIN" /coredns --entrypoint '["/coredns"]' --port 53/udp --port 53/tcp
  export_image "$PAUSE_IMAGE" pause
  export_image "$COREDNS_IMAGE" coredns
  export_image "$NODE_BASE_IMAGE" node-base
  export_image "$ECHO_IMAGE" e2e-echo
  export_image "$DEMO_APP_IMAGE" demo-app
fi

# weft's own images need the compiled dist/ (npm run build) and a package-lock.json.
if [[ -f "$WEFT_REPO/dist/sidecar/main.js" && -f "$WEFT_REPO/package-lock.json" ]]; then
  bud "$SIDECAR_IMAGE" "$WEFT_REPO/Dockerfile.sidecar" "$WEFT_REPO"
  export_image "$SIDECAR_IMAGE" sidecar
else
  log "skipping $SIDECAR_IMAGE: dist/sidecar/main.js not built yet (npm run build)"
fi
if [[ -f "$WEFT_REPO/dist/control-plane/main.js" && -f "$WEFT_REPO/package-lock.json" ]]; then
  bud "$CONTROL_IMAGE" "$WEFT_REPO/Dockerfile.control" "$WEFT_REPO"
  export_image "$CONTROL_IMAGE" control-plane
else
  log "skipping $CONTROL_IMAGE: dist/control-plane/main.js not built yet (npm run build)"
fi
log "images ready in $IMAGES_DIR"
