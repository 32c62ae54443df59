/**
 * The injector: a pure function from a pod (and where it lives) to the JSON Patch that adds the
 * interception init container, the native sidecar and its token volume. The admission webhook and
 * `weftctl inject` both call it, so the two make the same change.
 */
import { annotationKeys, readOverrides } from './annotations.js';
import { initContainer, injectedVolumes, sidecarContainer } from './containers.js';
import { decide } from './decide.js';
import { pointerToken, type AddOp } from './json-patch.js';
import type { PodContext, PodLike } from './pod.js';
import type { InjectorSettings } from './settings.js';

export type InjectionResult = { injected: true; reason: string; patch: AddOp[] } | { injected: false; reason: string; patch: [] };

/** What to add to `pod`, or why nothing. Throws InjectionError when the pod asks for injection with a bad annotation. */
export function injectPod(pod: PodLike, ctx: PodContext, settings: InjectorSettings): InjectionResult {
  const decision = decide(pod, ctx, settings);
  if (!decision.inject) return { injected: false, reason: decision.reason, patch: [] };
  const annotations = pod.metadata?.annotations ?? {};
  const overrides = readOverrides(annotations, settings);
  const init = initContainer(settings, overrides);
  const sidecar = sidecarContainer(pod, ctx, settings, overrides);
  const patch: AddOp[] = [];

  // weft-init first, then the proxy, then the app's own init containers: those already run with interception and the proxy up.
  if (pod.spec?.initContainers?.length) {
    patch.push({ op: 'add', path: '/spec/initContainers/0', value: init }, { op: 'add', path: '/spec/initContainers/1', value: sidecar });
  } else {
    patch.push({ op: 'add', path: '/spec/initContainers', value: [init, sidecar] });
  }
  const volumes = injectedVolumes(settings);
  if (pod.spec?.volumes) for (const v of volumes) patch.push({ op: 'add', path: '/spec/volumes/-', value: v });
  else patch.push({ op: 'add', path: '/spec/volumes', value: volumes });

  if (!pod.metadata) patch.push({ op: 'add', path: '/metadata', value: { annotations: { [annotationKeys.injected]: 'true' } } });
  else if (!pod.metadata.annotations) patch.push({ op: 'add', path: '/metadata/annotations', value: { [annotationKeys.injected]: 'true' } });
  else patch.push({ op: 'add', path: `/metadata/annotations/${pointerToken(annotationKeys.injected)}`, value: 'true' });
  return { injected: true, reason: decision.reason, patch };
}
