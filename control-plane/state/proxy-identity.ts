/**
 * Who a connected sidecar is, as the translator needs it and the config server names it. Below
 * both: the server fills it in from the wire Hello (server/wire-identity.ts), the translator reads it.
 */
import { namespacedKey } from '../../common/keys.js';

export interface ProxyIdentity {
  pod: string;
  namespace: string;
  serviceAccount: string;
  workload: string;
  labels: Readonly<Record<string, string>>;
  podIp?: string;
}

/** `namespace/pod`: how logs and metrics name a proxy. */
export function proxyKey(id: Pick<ProxyIdentity, 'namespace' | 'pod'>): string {
  return namespacedKey(id.namespace, id.pod);
}
