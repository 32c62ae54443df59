#!/usr/bin/env bash
# Starts the local single-node cluster: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, containerd, kubelet, kube-proxy and CoreDNS, all inside the network namespace
# $NETNS (no route out of the machine) and one private mount namespace, so nothing the node mounts
# or its iptables rules reach the rest of the machine. Idempotent: a healthy cluster is left as is,
# a half-started one is torn down and started again.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG_TAG=cluster-up
# shellcheck source=e2e/cluster/config.sh
source "$here/config.sh"
# shellcheck source=e2e/cluster/pki.sh
source "$here/pki.sh"
# shellcheck source=e2e/cluster/node.sh
source "$here/node.sh"

[[ $EUID == 0 ]] || die "must run as root (network namespaces, mounts, containerd)"
for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl; do
  if [[ $b == etcd ]]; then command -v etcd >/dev/null || die "etcd missing: run e2e/cluster/setup.sh"
  else [[ -x "$K8S_BIN/$b" ]] || die "$K8S_BIN/$b missing: run e2e/cluster/setup.sh"; fi
done
for img in pause coredns e2e-echo; do
  [[ -f "$IMAGES_DIR/$img.oci.tar" ]] || die "image archive $img missing: run e2e/cluster/setup.sh"
done

if cluster_healthy; then
  # Images may have been rebuilt since: importing unchanged content is quick.
  import_images
  log "already up: KUBECONFIG=$KUBECONFIG_PATH"
  exit 0
fi
if [[ -e "$CLUSTER_DIR" || -e "$NETNS_PATH" ]]; then
  log "found a partial cluster; tearing it down first"
  "$here/down.sh"
fi

start=$SECONDS
mkdir -p "$CLUSTER_DIR" "$LOGS" "$PIDS"
make_netns
make_mntns

# containerd first: unpacking the images is the slowest step, so it runs in the background while
# the control plane starts, and kubelet waits for it.
log "starting containerd $(containerd --version | awk '{print $3}')"
write_containerd_config
start_component containerd containerd --config "$CLUSTER_DIR/containerd.toml"
wait_for "containerd socket" 60 ctr_node version
import_images > "$LOGS/import-images.log" 2>&1 &
import_pid=$!

make_pki

log "starting etcd $(etcd --version | sed -n 's/^etcd Version: //p')"
start_component etcd etcd --name weft-node --data-dir "$NODE_DATA/etcd" \
  --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
  --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
  --initial-cluster weft-node=http://127.0.0.1:2380 --listen-metrics-urls http://127.0.0.1:2381 \
  --quota-backend-bytes 2147483648 --snapshot-count 10000
wait_for "etcd health" 60 in_netns curl -fsS http://127.0.0.1:2381/health

log "starting kube-apiserver $K8S_VERSION"
sa_issuer="https://kubernetes.default.svc.$CLUSTER_DOMAIN"
start_component kube-apiserver "$K8S_BIN/kube-apiserver" \
  --etcd-servers http://127.0.0.1:2379 \
  --bind-address 0.0.0.0 --secure-port 6443 --advertise-address "$NODE_IP" \
  --service-cluster-ip-range "$SERVICE_CIDR" --allow-privileged=true \
  --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
  --client-ca-file "$PKI/ca.crt" \
  --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" \
  --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
  --kubelet-certificate-authority "$PKI/ca.crt" --kubelet-preferred-address-types InternalIP \
  --service-account-issuer "$sa_issuer" --api-audiences "$sa_issuer" \
  --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
  --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
  --requestheader-client-ca-file "$PKI/ca.crt" --requestheader-allowed-names front-proxy-client \
  --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
  --requestheader-extra-headers-prefix X-Remote-Extra- \
  --proxy-client-cert-file "$PKI/front-proxy-client.crt" --proxy-client-key-file "$PKI/front-proxy-client.key" \
  --profiling=false --event-ttl 1h
wait_for "kube-apiserver /readyz" 120 kubectl_node get --raw /readyz

log "starting kube-controller-manager and kube-scheduler"
start_component kube-controller-manager "$K8S_BIN/kube-controller-manager" \
  --kubeconfig "$PKI/controller-manager.kubeconfig" \
  --authentication-kubeconfig "$PKI/controller-manager.kubeconfig" \
  --authorization-kubeconfig "$PKI/controller-manager.kubeconfig" \
  --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials=true \
  --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
  --root-ca-file "$PKI/ca.crt" --service-account-private-key-file "$PKI/sa.key" \
  --allocate-node-cidrs=true --cluster-cidr "$CLUSTER_CIDR" --node-cidr-mask-size 24 \
  --service-cluster-ip-range "$SERVICE_CIDR" --controllers '*,bootstrapsigner,tokencleaner'
start_component kube-scheduler "$K8S_BIN/kube-scheduler" \
  --kubeconfig "$PKI/scheduler.kubeconfig" \
  --authentication-kubeconfig "$PKI/scheduler.kubeconfig" \
  --authorization-kubeconfig "$PKI/scheduler.kubeconfig" \
  --bind-address 127.0.0.1 --leader-elect=false

log "waiting for the image imports"
wait "$import_pid" || { cat "$LOGS/import-images.log" >&2; die "importing images into containerd failed"; }
cat "$LOGS/import-images.log"

log "starting kubelet"
write_kubelet_config
start_component kubelet "$K8S_BIN/kubelet" --config "$CLUSTER_DIR/kubelet.yaml" \
  --kubeconfig "$PKI/kubelet.kubeconfig" --root-dir "$NODE_DATA/kubelet" \
  --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" --cert-dir "$PKI/kubelet-certs"
wait_for "node $NODE_NAME registered" 120 kubectl_node get node "$NODE_NAME"

log "starting kube-proxy (iptables mode, inside $NETNS)"
write_kube_proxy_config
start_component kube-proxy "$K8S_BIN/kube-proxy" --config "$CLUSTER_DIR/kube-proxy.yaml" \
  --hostname-override "$NODE_NAME"

wait_for "node $NODE_NAME Ready" 180 kubectl_node wait --for=condition=Ready "node/$NODE_NAME" --timeout=5s

log "installing CoreDNS ($COREDNS_IMAGE) at $DNS_SVC_IP"
sed -e "s#@COREDNS_IMAGE@#$COREDNS_IMAGE#g" -e "s#@DNS_SVC_IP@#$DNS_SVC_IP#g" \
  -e "s#@CLUSTER_DOMAIN@#$CLUSTER_DOMAIN#g" "$here/addons/coredns.yaml" | kubectl_node apply -f - >/dev/null
wait_for "CoreDNS available" 180 kubectl_node -n kube-system wait --for=condition=Available deployment/coredns --timeout=5s
wait_for "default service account" 60 kubectl_node -n default get serviceaccount default

log "cluster up in $((SECONDS - start))s"
log "KUBECONFIG=$KUBECONFIG_PATH (apiserver $APISERVER_URL, reachable inside netns $NETNS)"
log "shell with kubectl and helm: make cluster-shell"
