/** The workload name of a pod being created, which may have only a generateName yet. */
import { workloadName } from '../translator/workload.js';
import type { PodLike } from './pod.js';

export function admissionWorkload(pod: PodLike): string {
  const md = pod.metadata ?? {};
  const name = md.name || (md.generateName ?? '').replace(/-$/, '') || 'unknown';
  return workloadName({ metadata: { name, labels: md.labels, ownerReferences: md.ownerReferences } });
}
