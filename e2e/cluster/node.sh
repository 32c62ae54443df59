# The node's namespaces, processes and config files. Sourced by up.sh and down.sh.
# shellcheck shell=bash

# kubelet puts every pod under this cgroup, so tear-down can find exactly the cluster's containers.
CGROUP_ROOT="weft-node"
# Host directories that containerd, CNI and kubelet write to by fixed path; inside the node's mount
# namespace each is a bind mount of a directory under CLUSTER_DIR, so nothing lands on the host.
NODE_BIND_DIRS=(/run/containerd /var/lib/cni /var/log/pods /var/log/containers)
# kubelet refuses to start unless these kernel settings have its values, and would otherwise
# rewrite them for the whole machine. Inside the node's mount namespace each is a file with
# kubelet's value, so the machine's own settings stay as they are.
KUBELET_SYSCTLS=(vm/overcommit_memory=1 vm/panic_on_oom=0 kernel/panic=10 kernel/panic_on_oops=1
  kernel/keys/root_maxkeys=1000000 kernel/keys/root_maxbytes=25000000)
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy)

make_netns() {
  log "network namespace $NETNS: node $NODE_IP on $NODE_IF, pods $POD_CIDR, services $SERVICE_CIDR"
  [[ -e "$NETNS_PATH" ]] || ip netns add "$NETNS"
  ip -n "$NETNS" link set lo up
  # Both ends of the veth stay inside the namespace: the node gets an address and a default route
  # (kubelet and kube-proxy need one), and whatever follows that route is dropped at the sink.
  if ! ip -n "$NETNS" link show "$NODE_IF" >/dev/null 2>&1; then
    ip -n "$NETNS" link add "$NODE_IF" type veth peer name "$SINK_IF"
    ip -n "$NETNS" addr add "$NODE_IP/$NODE_PREFIX" dev "$NODE_IF"
  fi
  ip -n "$NETNS" link set "$NODE_IF" up
  ip -n "$NETNS" link set "$SINK_IF" up
  ip -n "$NETNS" route replace default dev "$NODE_IF"
  in_netns sysctl -q -w net.ipv4.ip_forward=1
  in_netns sysctl -q -w net.bridge.bridge-nf-call-iptables=1 2>/dev/null || true
}

make_mntns() {
  log "private mount namespace $MNTNS_PATH"
  # A namespace can only be pinned on a private mount (as `ip netns` does for /run/netns); the
  # machine's root mount may be shared (systemd), so the pin's directory is made private itself.
  local pin_dir
  pin_dir="$(dirname "$MNTNS_PATH")"
  mkdir -p "$pin_dir"
  mount --bind "$pin_dir" "$pin_dir"
  mount --make-private "$pin_dir"
  touch "$MNTNS_PATH"
  unshare --mount="$MNTNS_PATH" --propagation private true
  mkdir -p "$NODE_DATA" "$(dirname "$CONTAINERD_SOCK")"
  nsenter --mount="$MNTNS_PATH" -- mount -t tmpfs -o "size=$NODE_DATA_SIZE,mode=0755" weft-node "$NODE_DATA"
  local d
  : > "$CLUSTER_DIR/created-host-dirs"
  for d in "${NODE_BIND_DIRS[@]}"; do
    if [[ ! -d "$d" ]]; then mkdir -p "$d"; echo "$d" >> "$CLUSTER_DIR/created-host-dirs"; fi
    nsenter --mount="$MNTNS_PATH" -- mkdir -p "$NODE_DATA/host$d"
    nsenter --mount="$MNTNS_PATH" -- mount --bind "$NODE_DATA/host$d" "$d"
  done
  mkdir -p "$CLUSTER_DIR/sysctl"
  local kv key want
  for kv in "${KUBELET_SYSCTLS[@]}"; do
    key="${kv%=*}" want="${kv#*=}"
    [[ -e "/proc/sys/$key" ]] || continue
    [[ "$(cat "/proc/sys/$key")" == "$want" ]] && continue
    echo "$want" > "$CLUSTER_DIR/sysctl/${key//\//.}"
    nsenter --mount="$MNTNS_PATH" -- mount --bind -o ro "$CLUSTER_DIR/sysctl/${key//\//.}" "/proc/sys/$key"
  done
  local h
  for h in /sys/fs/cgroup/*/; do
    [[ -f "$h/cgroup.procs" && ! -f "$h/cgroup.controllers" ]] || continue # v1 hierarchies only
    mkdir -p "$h$CGROUP_ROOT"
    if [[ -f "$h/cpuset.cpus" ]]; then
      cat "$h/cpuset.cpus" > "$h$CGROUP_ROOT/cpuset.cpus"
      cat "$h/cpuset.mems" > "$h$CGROUP_ROOT/cpuset.mems"
    fi
  done
}

mntns_id() { stat -L -c %i "$MNTNS_PATH" 2>/dev/null || true; }

# True if PID is alive and runs in this cluster's mount namespace (so a reused PID is never ours).
is_ours() {
  local pid="$1" id
  id="$(mntns_id)"
  [[ -n "$id" && -e "/proc/$pid" ]] || return 1
  [[ "$(readlink "/proc/$pid/ns/mnt" 2>/dev/null)" == "mnt:[$id]" ]]
}

start_component() {
  local name="$1"; shift
  setsid nsenter --mount="$MNTNS_PATH" --net="$NETNS_PATH" -- "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! > "$PIDS/$name.pid"
}

component_alive() {
  local pid
  pid="$(cat "$PIDS/$1.pid" 2>/dev/null)" || return 1
  is_ours "$pid"
}

# wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND each second; fails early if a started
# component died, printing the end of its log.
wait_for() {
  local what="$1" timeout="$2"; shift 2
  local deadline=$((SECONDS + timeout)) c
  log "waiting for $what"
  until "$@" >/dev/null 2>&1; do
    for c in "${COMPONENTS[@]}"; do
      if [[ -f "$PIDS/$c.pid" ]] && ! component_alive "$c"; then
        tail -n 30 "$LOGS/$c.log" >&2
        die "$c exited while waiting for $what (log: $LOGS/$c.log)"
      fi
    done
    if ((SECONDS >= deadline)); then
      "$@" >&2 || true
      die "timed out after ${timeout}s waiting for $what (logs: $LOGS)"
    fi
    sleep 1
  done
}

# Imports every image archive images.sh made into containerd's CRI namespace (k8s.io).
import_images() {
  local img
  # node-base is not imported: nothing runs it, and the images built on it carry its layers.
  for img in pause coredns e2e-echo demo-app sidecar control-plane; do
    [[ -f "$IMAGES_DIR/$img.oci.tar" ]] || continue
    log "importing image $img"
    ctr_node -n k8s.io images import "$IMAGES_DIR/$img.oci.tar" >/dev/null
  done
}

ctr_node() { in_node ctr --address "$CONTAINERD_SOCK" "$@"; }

cluster_healthy() {
  [[ -e "$MNTNS_PATH" && -e "$NETNS_PATH" ]] || return 1
  local c
  for c in "${COMPONENTS[@]}"; do component_alive "$c" || return 1; done
  kubectl_node get --raw /readyz >/dev/null 2>&1 || return 1
  kubectl_node wait --for=condition=Ready "node/$NODE_NAME" --timeout=5s >/dev/null 2>&1 || return 1
  kubectl_node -n kube-system wait --for=condition=Available deployment/coredns --timeout=5s >/dev/null 2>&1
}

write_containerd_config() {
  mkdir -p "$CLUSTER_DIR/cni/net.d" "$CLUSTER_DIR/containerd/certs.d/_default"
  cat > "$CLUSTER_DIR/containerd.toml" <<TOML
version = 2
root = "$NODE_DATA/containerd/root"
state = "$NODE_DATA/containerd/state"
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$CONTAINERD_SOCK.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$NODE_DATA/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  netns_mounts_under_state_dir = true
  disable_apparmor = true
  # This machine withholds CAP_SYS_RESOURCE even from root, so runc cannot lower a container's
  # oom_score_adj (kubelet asks -998 for sandboxes); cap it at containerd's own value instead.
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$CLUSTER_DIR/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$CLUSTER_DIR/containerd/certs.d"
TOML
  # Every registry resolves to a closed local port: a pull fails at once instead of hanging, so a
  # pod that names an image we did not import says so (ErrImagePull) right away.
  cat > "$CLUSTER_DIR/containerd/certs.d/_default/hosts.toml" <<TOML
server = "http://127.0.0.1:1"
[host."http://127.0.0.1:1"]
  capabilities = ["pull", "resolve"]
TOML
  cat > "$CLUSTER_DIR/cni/net.d/10-weft.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "weft-pods",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$CNI_BRIDGE",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$POD_CIDR"}]],
        "routes": [{"dst": "0.0.0.0/0"}],
        "dataDir": "$NODE_DATA/cni/ipam"
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
JSON
}

write_kubelet_config() {
  cat > "$CLUSTER_DIR/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: "$PKI/ca.crt"}
authorization: {mode: Webhook}
tlsCertFile: "$PKI/kubelet-serving.crt"
tlsPrivateKeyFile: "$PKI/kubelet-serving.key"
containerRuntimeEndpoint: "unix://$CONTAINERD_SOCK"
cgroupDriver: cgroupfs
cgroupRoot: "/$CGROUP_ROOT"
# This machine has cgroup v1; kubelet 1.31+ only refuses it when failCgroupV1 is true.
failCgroupV1: false
failSwapOn: false
clusterDNS: ["$DNS_SVC_IP"]
clusterDomain: "$CLUSTER_DOMAIN"
# The node has no upstream DNS; an empty resolvConf keeps the machine's resolvers out of pods.
resolvConf: ""
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
# Lowering oom_score_adj needs CAP_SYS_RESOURCE, which this machine withholds (see containerd).
oomScoreAdj: 0
serializeImagePulls: false
# Images are imported, never pulled back: do not let image GC delete them on a full disk.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%"}
nodeStatusUpdateFrequency: 5s
syncFrequency: 10s
fileCheckFrequency: 5s
YAML
}

write_kube_proxy_config() {
  cat > "$CLUSTER_DIR/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: "$PKI/kube-proxy.kubeconfig"}
mode: iptables
clusterCIDR: "$CLUSTER_CIDR"
oomScoreAdj: 0
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# Zero leaves conntrack sysctls alone: nf_conntrack_max is machine-wide, not per namespace.
conntrack: {maxPerCore: 0, min: 0}
iptables: {minSyncPeriod: 0s, syncPeriod: 30s}
YAML
}
