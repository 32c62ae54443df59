/**
 * Whether a pod gets the sidecar. In order: already injected pods, host-network pods and pods in
 * kube-system or the control plane's namespace are left alone; then the pod's own
 * `weft.dev/inject` (label or annotation) decides; then its namespace's label.
 */
import { annotationKeys } from './annotations.js';
import { InjectionError } from './errors.js';
import type { PodContext, PodLike } from './pod.js';
import { injectedNames, type InjectorSettings } from './settings.js';

export type Decision = { inject: true; reason: string } | { inject: false; reason: string };

const switchValues = ['enabled', 'disabled'];

export function decide(pod: PodLike, ctx: PodContext, settings: Pick<InjectorSettings, 'controlPlaneNamespace'>): Decision {
  const spec = pod.spec ?? {};
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  if (containers.some((c) => c.name === injectedNames.sidecar)) return { inject: false, reason: 'already injected' };
  if (spec.hostNetwork) return { inject: false, reason: 'host-network pods are never injected' };
  if (ctx.namespace === 'kube-system' || ctx.namespace === settings.controlPlaneNamespace) {
    return { inject: false, reason: `pods in ${ctx.namespace} are never injected` };
  }
  if (pod.metadata?.labels?.['app.kubernetes.io/part-of'] === 'weft') return { inject: false, reason: "weft's own pods are never injected" };

  const own = podSwitch(pod);
  if (own === 'disabled') return { inject: false, reason: 'the pod opts out (weft.dev/inject: disabled)' };
  const decision: Decision =
    own === 'enabled'
      ? { inject: true, reason: 'the pod opts in (weft.dev/inject: enabled)' }
      : ctx.namespaceLabels[annotationKeys.inject] === 'enabled'
        ? { inject: true, reason: `namespace ${ctx.namespace} is labelled weft.dev/inject: enabled` }
        : { inject: false, reason: 'neither the pod nor its namespace asks for injection' };
  if (decision.inject) refuseReservedNames(pod);
  return decision;
}

/** The pod's own switch, from its label or annotation; the two must agree, and only the two values are accepted. */
function podSwitch(pod: PodLike): 'enabled' | 'disabled' | undefined {
  const key = annotationKeys.inject;
  const label = pod.metadata?.labels?.[key];
  const annotation = pod.metadata?.annotations?.[key];
  for (const [where, v] of [['label', label], ['annotation', annotation]] as const) {
    if (v !== undefined && !switchValues.includes(v)) throw new InjectionError(`${where} ${key}: "${v}" must be "enabled" or "disabled"`);
  }
  if (label !== undefined && annotation !== undefined && label !== annotation) {
    throw new InjectionError(`label ${key}: "${label}" and annotation ${key}: "${annotation}" disagree; keep one`);
  }
  return (label ?? annotation) as 'enabled' | 'disabled' | undefined;
}

function refuseReservedNames(pod: PodLike): void {
  const spec = pod.spec ?? {};
  const names = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c) => c.name);
  if (names.includes(injectedNames.init)) throw new InjectionError(`container name ${injectedNames.init} is reserved for weft's interception init container; rename the pod's container`);
  const taken = (spec.volumes ?? []).find((v) => v.name === injectedNames.tokenVolume || v.name === injectedNames.noApiToken);
  if (taken) throw new InjectionError(`volume name ${taken.name} is reserved for weft's containers; rename the pod's volume`);
}
