#!/bin/sh
# Compiles weft's native addon (sidecar/interception/native/original-destination.c) into
# dist/native/original-destination.node with the C compiler alone: Node-API's headers come from the
# node-api-headers npm package, so there is no node-gyp and no download of Node's headers
# (docs/decisions/0203-original-destination-addon.md).
#   build-native.sh            compile (npm run build runs this)
#   build-native.sh --toolchain  install gcc and libc6-dev when missing and root with apt-get (make setup)
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
cc="${CC:-gcc}"
src="$root/sidecar/interception/native/original-destination.c"
out="$root/dist/native/original-destination.node"
headers="$root/node_modules/node-api-headers/include"

have_toolchain() {
  command -v "$cc" >/dev/null 2>&1 && printf '#include <sys/socket.h>\n' | "$cc" -E -x c - >/dev/null 2>&1
}

if [ "$(uname -s)" != Linux ]; then
  echo "==> skipping the native addon: SO_ORIGINAL_DST (and so interception) is Linux-only"
  exit 0
fi

if [ "${1:-}" = --toolchain ]; then
  have_toolchain && exit 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing gcc and libc6-dev (the native addon's compiler and C headers)"
    apt-get install -y --no-install-recommends gcc libc6-dev >/dev/null || { apt-get update >/dev/null && apt-get install -y --no-install-recommends gcc libc6-dev >/dev/null; }
    exit 0
  fi
  echo "error: weft's native addon needs a C compiler and libc headers: run 'sudo apt-get install gcc libc6-dev'" >&2
  exit 1
fi

if ! have_toolchain; then
  echo "error: cannot compile dist/native/original-destination.node: '$cc' or the libc headers are missing." >&2
  echo "       Install them with 'sudo apt-get install gcc libc6-dev' (make setup does it when run as root)." >&2
  exit 1
fi
[ -f "$headers/node_api.h" ] || { echo "error: $headers/node_api.h is missing: run npm ci (node-api-headers)" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
"$cc" -O2 -Wall -Wextra -Werror -shared -fPIC -I"$headers" -o "$out.tmp" "$src"
mv "$out.tmp" "$out"
