/** The containers and volume the injector adds, built from the settings and one pod's overrides. */
import type { PodOverrides } from './annotations.js';
import type { PodContext, PodLike } from './pod.js';
import { apiTokenPath, injectedNames, proxyPorts, proxyUid, tokenMountPath, type InjectorSettings, type ProxyResources } from './settings.js';

type Env = { name: string; value: string } | { name: string; valueFrom: { fieldRef: { fieldPath: string } } };

const field = (name: string, fieldPath: string): Env => ({ name, valueFrom: { fieldRef: { fieldPath } } });
const noApiTokenMount = (): Record<string, unknown> => ({ name: injectedNames.noApiToken, mountPath: apiTokenPath, readOnly: true });

function resources(r: ProxyResources): Record<string, Record<string, string>> {
  const limits: Record<string, string> = {};
  if (r.limits.cpu !== undefined) limits.cpu = r.limits.cpu;
  if (r.limits.memory !== undefined) limits.memory = r.limits.memory;
  return Object.keys(limits).length ? { requests: { ...r.requests }, limits } : { requests: { ...r.requests } };
}

/** weft-init: installs the iptables rules, then exits. The only container with NET_ADMIN/NET_RAW. */
export function initContainer(settings: InjectorSettings, o: PodOverrides): Record<string, unknown> {
  const env: Env[] = [
    { name: 'WEFT_PROXY_UID', value: String(proxyUid) },
    { name: 'WEFT_OUTBOUND_PORT', value: String(proxyPorts.outbound) },
    { name: 'WEFT_INBOUND_PORT', value: String(proxyPorts.inbound) },
    { name: 'WEFT_INBOUND_EXCLUDE_PORTS', value: [proxyPorts.admin, ...o.excludeInboundPorts.filter((p) => p !== proxyPorts.admin)].join(',') },
  ];
  if (o.excludeOutboundPorts.length) env.push({ name: 'WEFT_OUTBOUND_EXCLUDE_PORTS', value: o.excludeOutboundPorts.join(',') });
  if (settings.iptables) env.push({ name: 'WEFT_IPTABLES', value: settings.iptables });
  return {
    name: injectedNames.init,
    image: settings.image,
    imagePullPolicy: settings.imagePullPolicy,
    command: ['weft-init'],
    env,
    resources: resources(o.resources),
    securityContext: {
      runAsUser: 0,
      runAsNonRoot: false,
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
    },
    volumeMounts: [noApiTokenMount()],
  };
}

/** The proxy as a native sidecar: an init container that keeps running, so the app starts once it is ready and Jobs still finish. */
export function sidecarContainer(pod: PodLike, ctx: PodContext, settings: InjectorSettings, o: PodOverrides): Record<string, unknown> {
  const labels = Object.entries(pod.metadata?.labels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const probe = (periodSeconds: number, failureThreshold: number): Record<string, unknown> => ({
    httpGet: { path: '/ready', port: proxyPorts.admin },
    periodSeconds,
    failureThreshold,
  });
  return {
    name: injectedNames.sidecar,
    image: settings.image,
    imagePullPolicy: settings.imagePullPolicy,
    restartPolicy: 'Always',
    args: ['--control-plane', settings.controlPlaneAddress],
    ports: [{ name: 'weft-admin', containerPort: proxyPorts.admin, protocol: 'TCP' }],
    env: [
      field('POD_NAME', 'metadata.name'),
      field('POD_NAMESPACE', 'metadata.namespace'),
      field('POD_IP', 'status.podIP'),
      field('SERVICE_ACCOUNT', 'spec.serviceAccountName'),
      { name: 'WEFT_WORKLOAD', value: ctx.workload },
      { name: 'WEFT_LABELS', value: labels },
      { name: 'WEFT_INTERCEPTION', value: 'iptables' },
      { name: 'WEFT_LOG_LEVEL', value: o.logLevel },
    ] satisfies Env[],
    resources: resources(o.resources),
    securityContext: {
      runAsUser: proxyUid,
      runAsGroup: proxyUid,
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    // Up to 5 minutes for the first config from the control plane; the app's containers wait for it.
    startupProbe: probe(1, 300),
    readinessProbe: probe(5, 3),
    volumeMounts: [{ name: injectedNames.tokenVolume, mountPath: tokenMountPath, readOnly: true }, noApiTokenMount()],
  };
}

/**
 * The volumes weft's containers mount: a ServiceAccount token for weft's audience only, and an empty
 * directory over the path of the pod's API token, so neither container holds the pod's API token.
 */
export function injectedVolumes(settings: InjectorSettings): Record<string, unknown>[] {
  return [
    {
      name: injectedNames.tokenVolume,
      projected: {
        sources: [{ serviceAccountToken: { audience: settings.tokenAudience, expirationSeconds: settings.tokenExpirationSeconds, path: 'token' } }],
      },
    },
    { name: injectedNames.noApiToken, emptyDir: { medium: 'Memory', sizeLimit: '1Ki' } },
  ];
}
