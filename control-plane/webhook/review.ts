/**
 * One AdmissionReview (admission.k8s.io/v1) in, its answer out: pod CREATEs go through the injector;
 * anything else is allowed unchanged. A refused pod is denied with the injector's message.
 */
import { isWeftError } from '../../common/errors.js';
import { injectPod } from '../injector/inject.js';
import type { PodLike } from '../injector/pod.js';
import type { InjectorSettings } from '../injector/settings.js';
import { admissionWorkload } from '../injector/workload.js';

export interface AdmissionReview {
  apiVersion?: string;
  kind?: string;
  request?: {
    uid: string;
    kind?: { group?: string; version?: string; kind?: string };
    operation?: string;
    namespace?: string;
    object?: PodLike;
  };
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  patchType?: 'JSONPatch';
  patch?: string;
  status?: { code: number; message: string };
  warnings?: string[];
}

export type ReviewResult = 'injected' | 'skipped' | 'refused';

export interface ReviewOutcome {
  review: { apiVersion: 'admission.k8s.io/v1'; kind: 'AdmissionReview'; response: AdmissionResponse };
  result: ReviewResult;
  reason: string;
}

/** Throws (a plain Error) only when the body is not an AdmissionReview at all; the server answers 400 then. */
export function answerReview(body: unknown, settings: InjectorSettings, namespaceLabels: (namespace: string) => Record<string, string>): ReviewOutcome {
  const request = (body as AdmissionReview | null)?.request;
  if (!request || typeof request.uid !== 'string') throw new Error('not an AdmissionReview: request.uid is missing');
  const out = (response: Omit<AdmissionResponse, 'uid'>, result: ReviewResult, reason: string): ReviewOutcome => ({
    review: { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: request.uid, ...response } },
    result,
    reason,
  });
  const pod = request.object;
  if (request.kind?.kind !== 'Pod' || request.operation !== 'CREATE' || !pod) return out({ allowed: true }, 'skipped', 'not a pod being created');
  const namespace = request.namespace ?? pod.metadata?.namespace ?? 'default';
  try {
    const r = injectPod(pod, { namespace, namespaceLabels: namespaceLabels(namespace), workload: admissionWorkload(pod) }, settings);
    if (!r.injected) return out({ allowed: true }, 'skipped', r.reason);
    return out({ allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(r.patch)).toString('base64') }, 'injected', r.reason);
  } catch (err) {
    if (!isWeftError(err)) throw err;
    return out({ allowed: false, status: { code: 400, message: `weft: ${err.message}` } }, 'refused', err.message);
  }
}
