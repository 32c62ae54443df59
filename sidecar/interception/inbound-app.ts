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
 * The app address for a connection the caller sent to `original`; undefined when it is one of the
 * sidecar's own listeners (delivering there would loop back into the sidecar).
 */
export function appAddressFor(ports: readonly InboundPort[], original: Destination, isOwnListener: (address: string, port: number) => boolean): AppAddress | undefined {
  const known = ports.find((p) => p.port === original.port);
  const app: AppAddress = known ? { address: known.appAddress, port: known.appPort, protocol: known.protocol } : { address: '127.0.0.1', port: original.port };
  return isOwnListener(app.address, app.port) ? undefined : app;
}
