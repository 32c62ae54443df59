/** Splits a Host / :authority value into host and port (port 80 when absent), IPv6 literals included. */
export interface Authority {
  /** Lowercase, without a trailing dot; IPv6 without brackets. */
  host: string;
  port: number;
}

export function parseAuthority(authority: string, defaultPort = 80): Authority | undefined {
  const value = authority.trim().toLowerCase();
  if (!value) return undefined;
  let host: string;
  let portText: string | undefined;
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end < 0) return undefined;
    host = value.slice(1, end);
    const rest = value.slice(end + 1);
    if (rest && !rest.startsWith(':')) return undefined;
    portText = rest ? rest.slice(1) : undefined;
  } else {
    const colon = value.lastIndexOf(':');
    // More than one colon without brackets is not a valid authority (a bare IPv6 literal).
    if (colon >= 0 && value.indexOf(':') !== colon) return undefined;
    host = colon >= 0 ? value.slice(0, colon) : value;
    portText = colon >= 0 ? value.slice(colon + 1) : undefined;
  }
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (!host) return undefined;
  if (portText === undefined || portText === '') return { host, port: defaultPort };
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  return port > 0 && port <= 65535 ? { host, port } : undefined;
}

/** host:port, bracketing IPv6 literals. */
export function formatAuthority(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
