/**
 * The loop guard's notion of "this proxy": every address that reaches its own listeners, decided
 * on the numeric address rather than on how a request spelled it. Names are never resolved here
 * (nor anywhere for a destination the config does not know), so a name that resolves to loopback
 * cannot get past it: it is simply never a destination.
 */
import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/**
 * The canonical text of a numeric host in any form a C resolver or a URL parser accepts: dotted
 * IPv4 with one to four parts in decimal, octal (leading 0, so zero-padded parts are octal) or hex
 * (0x), such as 127.1, 0x7f.1, 0177.0.0.1 or 2130706433; IPv6 with or without brackets or a zone.
 * Undefined for anything else (a name).
 */
export function canonicalIp(host: string): string | undefined {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  const zone = h.indexOf('%');
  if (zone >= 0) h = h.slice(0, zone);
  const family = isIP(h);
  if (family === 4) return h;
  if (family === 6) return h;
  return looseIpv4(h);
}

/** inet_aton's reading of a, a.b, a.b.c and a.b.c.d, each part decimal, 0-octal or 0x-hex. */
function looseIpv4(text: string): string | undefined {
  const parts = text.split('.');
  if (parts.length > 4) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    const v = /^0x[0-9a-f]*$/.test(part) ? parseInt(part.slice(2) || '0', 16) : /^0[0-7]*$/.test(part) ? parseInt(part, 8) : /^[1-9][0-9]*$/.test(part) ? Number(part) : NaN;
    if (!Number.isSafeInteger(v)) return undefined;
    values.push(v);
  }
  const last = values.pop()!;
  if (values.some((v) => v > 255) || last >= 2 ** (8 * (4 - values.length))) return undefined;
  let n = last;
  values.forEach((v, i) => (n += v * 2 ** (8 * (3 - i))));
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface OwnAddressOptions {
  /** The ports this proxy listens on (outbound, inbound, admin), read at each check. */
  ports: () => number[];
  /** Addresses of this proxy beyond what the interfaces show: the pod's IP, the bound addresses. */
  extra?: () => string[];
  /** The host's interface addresses; `os.networkInterfaces` unless a test supplies them. */
  interfaces?: () => string[];
}

/**
 * Whether address:port is one of this proxy's own listeners: the port is one of its ports and the
 * address is the whole 127/8, ::1, the unspecified 0.0.0.0/8 and :: (the IPv4-compatible ::/96
 * with them), an IPv4-mapped IPv6 form of any of these, an interface address, or an extra one.
 */
export function ownListenerCheck(options: OwnAddressOptions): (address: string, port: number) => boolean {
  const interfaces = options.interfaces ?? localInterfaceAddresses;
  return (address, port) => {
    if (!options.ports().includes(port)) return false;
    const ip = canonicalIp(address);
    // Not an address at all: the caller never resolves names, so it cannot be a loop.
    if (!ip) return false;
    const own = new BlockList();
    own.addSubnet('127.0.0.0', 8, 'ipv4');
    own.addSubnet('0.0.0.0', 8, 'ipv4');
    own.addSubnet('::', 96, 'ipv6');
    for (const a of [...interfaces(), ...(options.extra?.() ?? [])]) {
      const c = canonicalIp(a);
      if (c) own.addAddress(c, isIP(c) === 4 ? 'ipv4' : 'ipv6');
    }
    return own.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6');
  };
}

function localInterfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}
