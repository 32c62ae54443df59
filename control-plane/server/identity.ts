/** Who a connected sidecar is, as the translator needs it; converted from the wire Hello. */
import type { ProxyIdentityMessage } from '../../common/api/wire.js';

export interface ProxyIdentity {
  pod: string;
  namespace: string;
  serviceAccount: string;
  workload: string;
  labels: Readonly<Record<string, string>>;
  podIp?: string;
}

export function identityFromWire(m: ProxyIdentityMessage | undefined): ProxyIdentity | undefined {
  if (!m || !m.namespace || !(m.pod || m.workload)) return undefined;
  return {
    pod: m.pod || m.workload,
    namespace: m.namespace,
    serviceAccount: m.serviceAccount || 'default',
    workload: m.workload || m.pod,
    labels: { ...(m.labels ?? {}) },
    podIp: m.podIp || undefined,
  };
}

/** `namespace/pod`: how logs and metrics name a proxy. */
export function proxyKey(id: Pick<ProxyIdentity, 'namespace' | 'pod'>): string {
  return `${id.namespace}/${id.pod}`;
}
