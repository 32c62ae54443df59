# Certificates of the local cluster, made with openssl (ECDSA P-256 keys: RSA key generation took
# seconds per key on a loaded 2-core machine): one CA, the apiserver's serving cert,
# one client cert per component (so RBAC sees each component under its real name) and the
# service-account signing key. Sourced by up.sh.
# shellcheck shell=bash

# gen_cert NAME SUBJECT KIND [SAN...] -> $PKI/NAME.crt, $PKI/NAME.key; KIND is client or server.
gen_cert() {
  local name="$1" subject="$2" kind="$3"; shift 3
  [[ -f "$PKI/$name.crt" ]] && return 0
  local ext="$PKI/$name.ext" usage
  if [[ "$kind" == server ]]; then usage=serverAuth; else usage=clientAuth; fi
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$usage"
    if (($# > 0)); then local IFS=,; echo "subjectAltName=$*"; fi
  } > "$ext"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$PKI/$name.key" -subj "$subject" \
    -out "$PKI/$name.csr" 2>/dev/null
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
    -days 365 -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$ext"
}

# write_kubeconfig FILE USER CERTNAME
write_kubeconfig() {
  local file="$1" user="$2" cert="$3"
  cat > "$file" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: weft-local
  cluster:
    server: $APISERVER_URL
    certificate-authority-data: $(base64 -w0 < "$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 < "$PKI/$cert.crt")
    client-key-data: $(base64 -w0 < "$PKI/$cert.key")
contexts:
- name: weft-local
  context: {cluster: weft-local, user: $user}
current-context: weft-local
KUBECONFIG
  chmod 600 "$file"
}

make_pki() {
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  if [[ ! -f "$PKI/ca.crt" ]]; then
    log "making the cluster CA and certificates"
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$PKI/ca.key" -subj "/CN=weft-local-ca" \
      -days 365 -out "$PKI/ca.crt" 2>/dev/null
  fi
  gen_cert apiserver "/CN=kube-apiserver" server \
    "IP:$NODE_IP" "IP:$KUBERNETES_SVC_IP" "IP:127.0.0.1" "DNS:localhost" "DNS:kubernetes" \
    "DNS:kubernetes.default" "DNS:kubernetes.default.svc" "DNS:kubernetes.default.svc.$CLUSTER_DOMAIN"
  gen_cert kubelet-serving "/CN=system:node:$NODE_NAME/O=system:nodes" server "IP:$NODE_IP" "DNS:$NODE_NAME"
  gen_cert admin "/CN=weft-admin/O=system:masters" client
  gen_cert apiserver-kubelet-client "/CN=kube-apiserver-kubelet-client/O=system:masters" client
  gen_cert controller-manager "/CN=system:kube-controller-manager" client
  gen_cert scheduler "/CN=system:kube-scheduler" client
  gen_cert kubelet "/CN=system:node:$NODE_NAME/O=system:nodes" client
  gen_cert kube-proxy "/CN=system:kube-proxy" client
  # The aggregation layer's client (kube-apiserver proxying to extension API servers); without it
  # components that read extension-apiserver-authentication log a missing CA bundle forever.
  gen_cert front-proxy-client "/CN=front-proxy-client" client
  if [[ ! -f "$PKI/sa.key" ]]; then
    openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/sa.key" 2>/dev/null
    openssl ec -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
  write_kubeconfig "$PKI/controller-manager.kubeconfig" system:kube-controller-manager controller-manager
  write_kubeconfig "$PKI/scheduler.kubeconfig" system:kube-scheduler scheduler
  write_kubeconfig "$PKI/kubelet.kubeconfig" "system:node:$NODE_NAME" kubelet
  write_kubeconfig "$PKI/kube-proxy.kubeconfig" system:kube-proxy kube-proxy
  write_kubeconfig "$KUBECONFIG_PATH" weft-admin admin
}
