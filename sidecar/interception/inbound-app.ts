/**
 * Where an intercepted inbound connection goes: the app in the pod, on 127.0.0.1 at the port the
 * caller dialled (the connection's original destination), or the config's mapping for that port.
 */
import type { InboundPort } from '../../common/config/types.js';
import type { Destination } from './original-destination.js';

export interface AppAddress {
  address: string;
  port: number;
  /** The protocol the config declares for that port, when it declares one. */
  protocol?: InboundPort['protocol'];
}

/**
 * The app address for a connection the caller sent to `original`; undefined when that port is one
 * of the sidecar's own listeners (delivering there would loop back into the sidecar).
 */
export function appAddressFor(ports: readonly InboundPort[], original: Destination, ownPorts: readonly number[]): AppAddress | undefined {
  if (ownPorts.includes(original.port)) return undefined;
  const known = ports.find((p) => p.port === original.port);
  return known ? { address: known.appAddress, port: known.appPort, protocol: known.protocol } : { address: '127.0.0.1', port: original.port };
}
