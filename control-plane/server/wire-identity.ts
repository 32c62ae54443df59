/** A sidecar's Hello identity from the wire to the model: absent fields defaulted, an unusable one refused. */
import type { ProxyIdentityMessage } from '../../common/api/wire.js';
import type { ProxyIdentity } from '../state/proxy-identity.js';

/** The identity a Hello carries, or undefined when it names no namespace or no pod/workload. */
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

