/** weft-init's settings, read from the environment the injector sets (the interception contract). */
import { defaultPorts, defaultProxyUid } from '../../../common/config/defaults.js';
import { InitError, InitErrorCodes } from './errors.js';

export type Backend = 'legacy' | 'nft';

export interface InterceptionSettings {
  /** Traffic from this UID (the sidecar's) is never redirected. */
  proxyUid: number;
  /** Where outbound TCP is redirected (the sidecar's outbound listener). */
  outboundPort: number;
  /** Where inbound TCP is redirected (the sidecar's inbound listener). */
  inboundPort: number;
  /** Destination ports of inbound traffic left alone; the admin port is always among them. */
  inboundExcludePorts: number[];
  /** Destination ports of outbound traffic left alone. */
  outboundExcludePorts: number[];
  /** The iptables backend to use; undefined means detect it. */
  backend?: Backend;
}

/** Reads WEFT_PROXY_UID, WEFT_OUTBOUND_PORT, WEFT_INBOUND_PORT, WEFT_*_EXCLUDE_PORTS and WEFT_IPTABLES. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): InterceptionSettings {
  const backend = env.WEFT_IPTABLES?.trim();
  if (backend && backend !== 'legacy' && backend !== 'nft') {
    throw new InitError(InitErrorCodes.BAD_SETTING, `WEFT_IPTABLES must be "legacy" or "nft", not "${backend}"`);
  }
  const inboundExcludes = portList(env, 'WEFT_INBOUND_EXCLUDE_PORTS');
  return {
    proxyUid: integer(env, 'WEFT_PROXY_UID', defaultProxyUid, 0, 2 ** 32 - 2),
    outboundPort: integer(env, 'WEFT_OUTBOUND_PORT', defaultPorts.outbound, 1, 65535),
    inboundPort: integer(env, 'WEFT_INBOUND_PORT', defaultPorts.inbound, 1, 65535),
    inboundExcludePorts: unique([defaultPorts.admin, ...inboundExcludes]),
    outboundExcludePorts: unique(portList(env, 'WEFT_OUTBOUND_EXCLUDE_PORTS')),
    ...(backend ? { backend: backend as Backend } : {}),
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  return parseInteger(text, name, min, max);
}

function portList(env: NodeJS.ProcessEnv, name: string): number[] {
  const text = env[name]?.trim();
  if (!text) return [];
  return text.split(',').map((p) => parseInteger(p.trim(), name, 1, 65535));
}

function parseInteger(text: string, name: string, min: number, max: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InitError(InitErrorCodes.BAD_SETTING, `${name}: "${text}" is not a whole number from ${min} to ${max}`);
  }
  return n;
}

function unique(ports: number[]): number[] {
  return [...new Set(ports)].sort((a, b) => a - b);
}
