#!/usr/bin/env bash
# Stops the local cluster and removes everything it made: its processes (found by the PID files
# it wrote and by its private mount namespace, never by name), its pods' cgroups, its network
# and mount namespaces and $CLUSTER_DIR. Safe to run when nothing is up.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG_TAG=cluster-down
# shellcheck source=e2e/cluster/config.sh
source "$here/config.sh"
# shellcheck source=e2e/cluster/node.sh
source "$here/node.sh"

[[ $EUID == 0 ]] || die "must run as root"

stop_pid() {
  local name="$1" pid="$2" i
  is_ours "$pid" || return 0
  log "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 100; i++)); do is_ours "$pid" || return 0; sleep 0.1; done
  log "$name did not stop in 10s; killing it"
  kill -KILL "$pid" 2>/dev/null
  for ((i = 0; i < 50; i++)); do is_ours "$pid" || return 0; sleep 0.1; done
}

stop_component() {
  local pid
  pid="$(cat "$PIDS/$1.pid" 2>/dev/null)" || return 0
  stop_pid "$1" "$pid"
}

# Every process in the cluster's pod cgroups: the containers, whatever their mount namespace.
pod_pids() { find "/sys/fs/cgroup/pids/$CGROUP_ROOT" -name cgroup.procs -exec cat {} + 2>/dev/null; }

# Every process left in the node's mount namespace: containerd's shims and any component.
node_pids() {
  local id p
  id="$(mntns_id)"
  [[ -n "$id" ]] || return 0
  for p in /proc/[0-9]*; do
    [[ "$(readlink "$p/ns/mnt" 2>/dev/null)" == "mnt:[$id]" ]] && echo "${p#/proc/}"
  done
}

if [[ -e "$MNTNS_PATH" ]] && [[ -n "$(mntns_id)" ]]; then
  for c in kube-proxy kubelet kube-scheduler kube-controller-manager; do stop_component "$c"; done
  if [[ -d "/sys/fs/cgroup/pids/$CGROUP_ROOT" ]]; then
    for ((i = 0; i < 50; i++)); do
      pids="$(pod_pids)"
      [[ -z "$pids" ]] && break
      ((i == 0)) && log "killing pod processes: $(echo "$pids" | wc -l)"
      # shellcheck disable=SC2086
      kill -KILL $pids 2>/dev/null
      sleep 0.2
    done
  fi
  stop_component containerd
  stop_component kube-apiserver
  stop_component etcd
  left="$(node_pids)"
  if [[ -n "$left" ]]; then
    log "killing $(echo "$left" | wc -l) leftover processes of the node (containerd shims)"
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null
    for ((i = 0; i < 50; i++)); do [[ -z "$(node_pids)" ]] && break; sleep 0.1; done
  fi
fi

for h in /sys/fs/cgroup/*/; do
  [[ -d "$h$CGROUP_ROOT" ]] || continue
  # Deepest first: a cgroup directory can only be removed once it has no children.
  find "$h$CGROUP_ROOT" -depth -type d -exec rmdir {} + 2>/dev/null
  [[ -d "$h$CGROUP_ROOT" ]] && log "warning: could not remove cgroup $h$CGROUP_ROOT"
done

if [[ -e "$NETNS_PATH" ]]; then
  log "removing network namespace $NETNS"
  ip netns del "$NETNS"
fi

if [[ -e "$MNTNS_PATH" ]]; then
  log "releasing mount namespace"
  umount "$MNTNS_PATH" 2>/dev/null || umount -l "$MNTNS_PATH" 2>/dev/null
fi
# Nothing of ours may still be mounted on the host before the directory goes.
grep -F " $CLUSTER_DIR/" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r m; do
  umount -l "$m" 2>/dev/null
done

if [[ -f "$CLUSTER_DIR/created-host-dirs" ]]; then
  while read -r d; do rmdir "$d" 2>/dev/null; done < "$CLUSTER_DIR/created-host-dirs"
fi
if [[ -e "$CLUSTER_DIR" ]]; then
  log "removing $CLUSTER_DIR"
  rm -rf "$CLUSTER_DIR"
fi
log "down"
