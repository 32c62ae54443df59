/** Finds the service a request addresses by name (any of the Kubernetes DNS forms) or cluster IP. */
import { isIP } from 'node:net';
import type { ProxyConfig, Service, ServicePort } from '../../common/config/types.js';
import { namespacedKey } from '../../common/keys.js';
import type { Authority } from './authority.js';

export interface ServiceMatch {
  service: Service;
  port: ServicePort;
}

/**
 * An index built once per config, so a lookup per request is a map hit. Names resolve as cluster
 * DNS does: `reviews` relative to the proxy's own namespace, then `reviews.ns`, `reviews.ns.svc`,
 * `reviews.ns.svc.<clusterDomain>`; an IP matches a service's cluster IPs.
 */
export class ServiceIndex {
  private readonly byKey = new Map<string, Service>();
  private readonly byIp = new Map<string, Service>();

  constructor(private readonly config: Pick<ProxyConfig, 'services' | 'node' | 'clusterDomain'>) {
    for (const s of config.services) {
      this.byKey.set(namespacedKey(s.namespace, s.name), s);
      for (const ip of s.clusterIPs) this.byIp.set(ip, s);
    }
  }

  /** A service by namespace and name (route backends, mirrors). */
  get(namespace: string, name: string): Service | undefined {
    return this.byKey.get(namespacedKey(namespace, name));
  }

  /** The service and port an authority addresses, or undefined when the config does not know it. */
  resolve(authority: Authority): ServiceMatch | undefined {
    const service = isIP(authority.host) ? this.byIp.get(authority.host) : this.byName(authority.host);
    const port = service?.ports.find((p) => p.port === authority.port);
    return service && port ? { service, port } : undefined;
  }

  private byName(host: string): Service | undefined {
    const labels = host.split('.');
    const [name, namespace] = labels;
    if (!name) return undefined;
    if (labels.length === 1) return this.get(this.config.node.namespace, name);
    if (!namespace) return undefined;
    const suffix = labels.slice(2).join('.');
    if (suffix === '' || suffix === 'svc' || suffix === `svc.${this.config.clusterDomain}`) return this.get(namespace, name);
    return undefined;
  }
}
