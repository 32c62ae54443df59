/**
 * Per-pod overrides read from `weft.dev/*` annotations. Every value is checked; a bad one, or an
 * unknown `weft.dev/` key (usually a typo), refuses the pod with a message naming it.
 */
import { InjectionError } from './errors.js';
import { parseQuantity } from './quantity.js';
import type { ProxyResources } from './settings.js';

export const annotationKeys = {
  inject: 'weft.dev/inject',
  injected: 'weft.dev/injected',
  cpuRequest: 'weft.dev/proxy-cpu-request',
  cpuLimit: 'weft.dev/proxy-cpu-limit',
  memoryRequest: 'weft.dev/proxy-memory-request',
  memoryLimit: 'weft.dev/proxy-memory-limit',
  excludeInboundPorts: 'weft.dev/exclude-inbound-ports',
  excludeOutboundPorts: 'weft.dev/exclude-outbound-ports',
  logLevel: 'weft.dev/log-level',
} as const;

const known = new Set<string>(Object.values(annotationKeys));
export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

export interface PodOverrides {
  resources: ProxyResources;
  excludeInboundPorts: number[];
  excludeOutboundPorts: number[];
  logLevel: string;
}

/** The overrides for one pod: the annotations over the defaults. Throws InjectionError on any bad value. */
export function readOverrides(annotations: Record<string, string>, defaults: { resources: ProxyResources; logLevel: string }): PodOverrides {
  for (const key of Object.keys(annotations)) {
    if (key.startsWith('weft.dev/') && !known.has(key)) {
      throw new InjectionError(`unknown annotation ${key}; weft reads ${[...known].sort().join(', ')}`);
    }
  }
  const q = (key: string, fallback: string | undefined): string | undefined => {
    const v = annotations[key];
    if (v === undefined) return fallback;
    if (parseQuantity(v) === undefined) throw new InjectionError(`annotation ${key}: "${v}" is not a resource quantity (e.g. 100m, 0.5, 128Mi, 1Gi)`);
    return v;
  };
  const { requests, limits } = defaults.resources;
  const resources: ProxyResources = {
    requests: { cpu: q(annotationKeys.cpuRequest, requests.cpu)!, memory: q(annotationKeys.memoryRequest, requests.memory)! },
    limits: { cpu: q(annotationKeys.cpuLimit, limits.cpu), memory: q(annotationKeys.memoryLimit, limits.memory) },
  };
  checkWithinLimit('cpu', resources, annotationKeys.cpuRequest, annotationKeys.cpuLimit);
  checkWithinLimit('memory', resources, annotationKeys.memoryRequest, annotationKeys.memoryLimit);

  const logLevel = annotations[annotationKeys.logLevel] ?? defaults.logLevel;
  if (!(logLevels as readonly string[]).includes(logLevel)) {
    throw new InjectionError(`annotation ${annotationKeys.logLevel}: "${logLevel}" is not one of ${logLevels.join(', ')}`);
  }
  return {
    resources,
    excludeInboundPorts: ports(annotations, annotationKeys.excludeInboundPorts),
    excludeOutboundPorts: ports(annotations, annotationKeys.excludeOutboundPorts),
    logLevel,
  };
}

function checkWithinLimit(resource: 'cpu' | 'memory', r: ProxyResources, requestKey: string, limitKey: string): void {
  const request = r.requests[resource];
  const limit = r.limits[resource];
  if (limit === undefined || parseQuantity(request)! <= parseQuantity(limit)!) return;
  throw new InjectionError(`proxy ${resource} request ${request} is above its limit ${limit}: set ${requestKey} at most ${limitKey}, or raise ${limitKey}`);
}

/** A comma-separated list of TCP ports (`8080, 9090`), each 1-65535, duplicates dropped, in the order given. */
function ports(annotations: Record<string, string>, key: string): number[] {
  const v = annotations[key];
  if (v === undefined) return [];
  const out: number[] = [];
  for (const item of v.split(',').map((s) => s.trim())) {
    const n = Number(item);
    if (!/^\d+$/.test(item) || n < 1 || n > 65535) {
      throw new InjectionError(`annotation ${key}: "${item}" is not a port (expected comma-separated numbers 1-65535, e.g. "8080,9090")`);
    }
    if (!out.includes(n)) out.push(n);
  }
  return out;
}
