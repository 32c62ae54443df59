/** Status conditions as Kubernetes and Gateway API expect them; `lastTransitionTime` is filled in by the status writer. */

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

export const controllerName = 'weft.dev/control-plane';

export function condition(type: string, ok: boolean, reason: string, message: string, observedGeneration?: number): Condition {
  return { type, status: ok ? 'True' : 'False', reason, message, observedGeneration };
}
