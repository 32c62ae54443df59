/**
 * The translator: a pure function from an immutable cluster snapshot and one proxy's identity to
 * that proxy's ProxyConfig. No I/O, no clock; the same inputs always give the same config.
 */
import { defaultLimits, defaultOutboundTrafficPolicy, defaultPorts, defaultTrafficPolicy } from '../../common/config/defaults.js';
import type { ProxyConfig, Route, Service } from '../../common/config/types.js';
import type { ProxyIdentity } from '../state/proxy-identity.js';
import type { ClusterSnapshot } from '../state/cluster-snapshot.js';
import { servicePorts, slicesOf } from './endpoints.js';
import { inboundPorts } from './inbound.js';
import { namespacedKey } from '../../common/keys.js';

export interface TranslatorOptions {
  clusterDomain: string;
  /** SPIFFE trust domain of endpoint identities. */
  trustDomain: string;
  listeners?: ProxyConfig['listeners'];
  tracing?: ProxyConfig['tracing'];
  accessLog?: ProxyConfig['accessLog'];
  limits?: ProxyConfig['limits'];
  /** Mesh-wide: what proxies do with destinations they do not know (registry-only unless set). */
  outboundTrafficPolicy?: ProxyConfig['outboundTrafficPolicy'];
}

export const defaultTranslatorOptions: TranslatorOptions = { clusterDomain: 'cluster.local', trustDomain: 'cluster.local' };

export function translate(snapshot: ClusterSnapshot, identity: ProxyIdentity, opts: TranslatorOptions = defaultTranslatorOptions): ProxyConfig {
  return { ...translateLocal(snapshot, identity, opts), services: meshServices(snapshot, opts) };
}

/** What a proxy's config holds besides the service table: who it is and what its own pod serves. */
export type LocalConfig = Omit<ProxyConfig, 'services'>;

export function translateLocal(snapshot: ClusterSnapshot, identity: ProxyIdentity, opts: TranslatorOptions = defaultTranslatorOptions): LocalConfig {
  const pod = snapshot.pods.get(namespacedKey(identity.namespace, identity.pod));
  return {
    version: '',
    node: { workload: identity.workload, namespace: identity.namespace, serviceAccount: identity.serviceAccount, pod: identity.pod },
    clusterDomain: opts.clusterDomain,
    listeners: opts.listeners ?? {
      outbound: { address: '127.0.0.1', port: defaultPorts.outbound },
      inbound: { address: '0.0.0.0', port: defaultPorts.inbound },
      admin: { address: '127.0.0.1', port: defaultPorts.admin },
    },
    inbound: inboundPorts({ namespace: identity.namespace, name: identity.pod, labels: pod?.metadata.labels ?? identity.labels, pod }, snapshot),
    tracing: opts.tracing ?? { samplingRate: 1 },
    accessLog: opts.accessLog ?? { enabled: false, sampleRate: 1 },
    limits: opts.limits ?? defaultLimits,
    outboundTrafficPolicy: opts.outboundTrafficPolicy ?? defaultOutboundTrafficPolicy,
  };
}

/**
 * The service table is the same for every proxy of a snapshot, so it is built once per snapshot and
 * every config of that snapshot shares the one array (the config server encodes it once by that).
 */
const servicesBySnapshot = new WeakMap<ClusterSnapshot, Map<string, Service[]>>();

export function meshServices(snapshot: ClusterSnapshot, opts: TranslatorOptions): Service[] {
  const memoKey = `${opts.trustDomain}`;
  let perOpts = servicesBySnapshot.get(snapshot);
  const hit = perOpts?.get(memoKey);
  if (hit) return hit;
  const services: Service[] = [];
  for (const [key, svc] of [...snapshot.services].sort(([a], [b]) => a.localeCompare(b))) {
    if (svc.spec?.type === 'ExternalName') continue;
    const namespace = svc.metadata.namespace ?? 'default';
    const ports = servicePorts(svc, slicesOf(snapshot, namespace, svc.metadata.name), snapshot, opts.trustDomain);
    if (ports.length === 0) continue;
    const ips = svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : []);
    services.push({
      name: svc.metadata.name,
      namespace,
      clusterIPs: ips.filter((ip) => ip && ip !== 'None'),
      ports,
      policy: snapshot.policies.get(key) ?? defaultTrafficPolicy,
      routes: [],
    });
  }
  const known = new Map(services.map((s) => [namespacedKey(s.namespace, s.name), new Set(s.ports.map((p) => p.port))]));
  for (const s of services) s.routes = resolveRoutes(snapshot.routes.get(namespacedKey(s.namespace, s.name)) ?? [], known);
  if (!perOpts) servicesBySnapshot.set(snapshot, (perOpts = new Map()));
  perOpts.set(memoKey, services);
  return services;
}

/** Backends (and mirrors) must name a service and port this config has; a rule left with no weighted backend is dropped. */
function resolveRoutes(routes: readonly Route[], known: Map<string, Set<number>>): Route[] {
  const exists = (b: { name: string; namespace: string; port: number }): boolean => known.get(namespacedKey(b.namespace, b.name))?.has(b.port) ?? false;
  const out: Route[] = [];
  for (const r of routes) {
    const backends = r.backends.filter(exists);
    if (!backends.some((b) => b.weight > 0)) continue;
    out.push({ ...r, backends, mirror: r.mirror && exists(r.mirror.backend) ? r.mirror : undefined });
  }
  return out;
}
