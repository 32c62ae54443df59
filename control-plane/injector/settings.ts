/** What the injector adds that is the same for every pod: images, addresses, ports and default resources. */
import { defaultPorts, defaultProxyUid } from '../../common/config/defaults.js';

/** CPU and memory as Kubernetes quantities; an absent limit is no limit. */
export interface ProxyResources {
  requests: { cpu: string; memory: string };
  limits: { cpu?: string; memory?: string };
}

export interface InjectorSettings {
  /** The sidecar image; it also holds `weft-init`, the interception program. */
  image: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  /** host:port of the control plane's config API, as the sidecar dials it. */
  controlPlaneAddress: string;
  /** The control plane's namespace: pods there are never injected. */
  controlPlaneNamespace: string;
  /** Audience of the projected ServiceAccount token mounted into the sidecar. */
  tokenAudience: string;
  /** Lifetime of that token; the kubelet refreshes it at 80 %. */
  tokenExpirationSeconds: number;
  logLevel: string;
  resources: ProxyResources;
  /** Forces weft-init's iptables backend; undefined lets it detect the node's. */
  iptables?: 'legacy' | 'nft';
}

/** The proxy's ports and UID: the sidecar's and weft-init's own defaults (one source, common/config). */
export const proxyPorts = defaultPorts;
export const proxyUid = defaultProxyUid;

/** Names the injector adds; a pod that already has them is left alone. */
export const injectedNames = {
  init: 'weft-init',
  sidecar: 'weft-proxy',
  tokenVolume: 'weft-identity-token',
  noApiToken: 'weft-no-api-token',
} as const;

/**
 * Where the API server's ServiceAccount admission mounts the pod's API token into every container
 * that has nothing mounted there. weft's containers mount an empty directory there instead: they
 * never talk to the API server, and a pre-injected pod would otherwise hand them the token.
 */
export const apiTokenPath = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Where the projected token appears inside the sidecar. */
export const tokenMountPath = '/var/run/secrets/weft.dev/identity';

/** The defaults, shared by the control plane's flags, `weftctl inject` and the chart's values.yaml (a test keeps them equal). */
export const defaultInjectorSettings: InjectorSettings = {
  image: 'localhost/weft/sidecar:dev',
  imagePullPolicy: 'IfNotPresent',
  controlPlaneAddress: 'weft-control-plane.weft-system.svc:15010',
  controlPlaneNamespace: 'weft-system',
  tokenAudience: 'weft.dev/identity',
  tokenExpirationSeconds: 3600,
  logLevel: 'info',
  resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
};
