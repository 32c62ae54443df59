/**
 * Who called, for the source labels of inbound metrics: the workload whose pod has the caller's
 * address, found among the endpoints of the config's services. Until mTLS identities name callers,
 * the address is what the sidecar knows; a caller that backs no service stays "unknown". The
 * answers come from the config only, so the label values stay bounded whatever callers send.
 */
import type { Service } from '../../common/config/types.js';

export interface PeerWorkload {
  workload: string;
  namespace: string;
}

export type PeerLookup = (address: string | undefined) => PeerWorkload | undefined;

export function peerWorkloads(services: readonly Service[]): PeerLookup {
  // Built on the first inbound request of a config, not for every config a busy control plane pushes.
  let byAddress: Map<string, PeerWorkload> | undefined;
  return (address) => {
    if (!address) return undefined;
    byAddress ??= index(services);
    return byAddress.get(address.startsWith('::ffff:') ? address.slice(7) : address);
  };
}

function index(services: readonly Service[]): Map<string, PeerWorkload> {
  const byAddress = new Map<string, PeerWorkload>();
  for (const s of services) {
    for (const p of s.ports) {
      for (const e of p.endpoints) if (e.workload && !byAddress.has(e.address)) byAddress.set(e.address, { workload: e.workload, namespace: s.namespace });
    }
  }
  return byAddress;
}
