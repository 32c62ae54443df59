/**
 * Whether a pushed config document already carries a change: the readiness of one endpoint,
 * found by its (benchmark-unique) address without parsing the whole megabyte document.
 */
export function endpointReady(documentJson: string, address: string): boolean | undefined {
  const at = documentJson.indexOf(`"address":${JSON.stringify(address)}`);
  if (at < 0) return undefined;
  // An endpoint is a flat object: its braces are the nearest ones around the address.
  const start = documentJson.lastIndexOf('{', at);
  const end = documentJson.indexOf('}', at);
  if (start < 0 || end < 0) return undefined;
  const endpoint = JSON.parse(documentJson.slice(start, end + 1)) as { ready?: unknown };
  return typeof endpoint.ready === 'boolean' ? endpoint.ready : undefined;
}
