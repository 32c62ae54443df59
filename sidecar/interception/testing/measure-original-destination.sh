#!/usr/bin/env bash
# What one originalDestination() call costs (decision 0203): in a network namespace of its own with
# weft-init's rules, a UID-1000 client dials an address behind a veth pair (redirected to 15001)
# and 127.0.0.1:15002 directly (not redirected); the listeners time N calls on each accepted socket.
# Needs root, `npm run build`, and a checkout UIDs 1000 and 1337 can read. Usage: measure-original-destination.sh [N, default 200000]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
n="${1:-200000}"
ns="weft-measure-$$"
tools="$root/sidecar/interception/testing/ns-tools.mjs"
module="$root/dist/sidecar/interception/original-destination.js"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add va type veth peer name vb
ip -n "$ns" addr add 10.98.0.1/24 dev va
ip -n "$ns" link set va up
ip -n "$ns" link set vb up
ip netns exec "$ns" node "$root/dist/sidecar/interception/init/main.js" >/dev/null
as() { local uid="$1"; shift; ip netns exec "$ns" setpriv --reuid="$uid" --regid="$uid" --clear-groups -- "$@"; }
for port in 15001 15002; do
  as 1337 node "$tools" origdst 127.0.0.1 "$port" "$module" "$n" > "/tmp/$ns-$port.out" &
  pids+=($!)
done
until grep -q listening "/tmp/$ns-15001.out" 2>/dev/null && grep -q listening "/tmp/$ns-15002.out" 2>/dev/null; do sleep 0.1; done
rm -f "/tmp/$ns-15001.out" "/tmp/$ns-15002.out"
for i in 1 2 3; do echo "redirected:     $(as 1000 node "$tools" connect 10.98.0.2 7000)"; done
for i in 1 2 3; do echo "not redirected: $(as 1000 node "$tools" connect 127.0.0.1 15002)"; done
