/**
 * The one spelling of a namespaced name as a map key, `namespace/name`, used by the config model,
 * the control plane and the sidecar alike, so a key built in one place finds what another stored.
 */

/** `namespace/name`; a cluster-scoped object (no namespace) is keyed by its name alone. */
export function namespacedKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}
