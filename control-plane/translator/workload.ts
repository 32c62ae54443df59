/** Names a pod's workload the way people do: the Deployment behind a ReplicaSet, else the owner, else the pod. */
import type { K8sPod } from '../state/k8s-objects.js';

export function workloadName(pod: K8sPod): string {
  const owner = pod.metadata.ownerReferences?.find((o) => o.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!owner) return pod.metadata.name;
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) return owner.name.slice(0, -hash.length - 1);
  return owner.name;
}

export function spiffeId(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}
