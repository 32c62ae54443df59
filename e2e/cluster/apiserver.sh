#!/usr/bin/env bash
# Stops or starts only the local cluster's kube-apiserver, for tests of what survives its restart.
#   apiserver.sh stop    stops it by its PID (SIGTERM, then SIGKILL after 30 s), keeping its command line
#   apiserver.sh start   starts it again with that same command line and waits for /readyz
#   apiserver.sh restart both
# The command line comes from the running process itself, so it is exactly what up.sh started.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG_TAG=apiserver
# shellcheck source=e2e/cluster/config.sh
source "$here/config.sh"
# shellcheck source=e2e/cluster/node.sh
source "$here/node.sh"

[[ $EUID == 0 ]] || die "must run as root"
saved="$PIDS/kube-apiserver.cmdline"

stop_apiserver() {
  component_alive kube-apiserver || die "kube-apiserver is not running (is the cluster up?)"
  local pid
  pid="$(cat "$PIDS/kube-apiserver.pid")"
  cp "/proc/$pid/cmdline" "$saved"
  log "stopping kube-apiserver (pid $pid)"
  kill -TERM "$pid"
  local deadline=$((SECONDS + 30))
  while [[ -e "/proc/$pid" ]]; do
    if ((SECONDS >= deadline)); then kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.2
  done
}

start_apiserver() {
  component_alive kube-apiserver && die "kube-apiserver is already running"
  [[ -s "$saved" ]] || die "no saved command line ($saved): stop it with this script first"
  local argv=()
  mapfile -d '' argv < "$saved"
  log "starting kube-apiserver again"
  start_component kube-apiserver "${argv[@]}"
  wait_for "kube-apiserver /readyz" 120 kubectl_node get --raw /readyz
  rm -f "$saved"
}

case "${1:-}" in
  stop) stop_apiserver ;;
  start) start_apiserver ;;
  restart) stop_apiserver; start_apiserver ;;
  *) die "usage: apiserver.sh stop|start|restart" ;;
esac
