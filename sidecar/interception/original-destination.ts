/**
 * The original destination of a connection iptables redirected to a listener: where the app sent
 * it. Node cannot read it (SO_ORIGINAL_DST), so weft's Node-API addon does (native/, built into
 * dist/native/ by `npm run build`; docs/decisions/0203-original-destination-addon.md).
 */
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Destination {
  address: string;
  port: number;
}

/** A socket's original destination, or undefined when it was not redirected (or is already closed). */
export type OriginalDestination = (socket: Socket) => Destination | undefined;

interface Addon {
  /** null when the kernel has no NAT entry for the connection (it was not redirected). */
  originalDestination(fd: number): Destination | null;
}

/** dist/native/original-destination.node of the package this file belongs to (source, tsc output or bundle alike). */
export function addonPath(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return join(dir, 'dist', 'native', 'original-destination.node');
}

/** Loads the addon; throws an Error that says how to build it when the file is missing or does not load. */
export function loadOriginalDestination(path: string = addonPath()): OriginalDestination {
  const module = { exports: {} as Partial<Addon> };
  try {
    process.dlopen(module, path);
  } catch (err) {
    throw new Error(`cannot load the original-destination addon ${path} (build it with npm run build, which needs gcc and libc6-dev): ${(err as Error).message}`, { cause: err });
  }
  const addon = module.exports;
  if (typeof addon.originalDestination !== 'function') throw new Error(`${path} does not export originalDestination`);
  return (socket) => originalOf(socket, addon as Addon);
}

function originalOf(socket: Socket, addon: Addon): Destination | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) return undefined;
  let original: Destination | null;
  try {
    original = addon.originalDestination(fd);
  } catch {
    // EBADF: the socket closed meanwhile.
    return undefined;
  }
  if (!original) return undefined;
  // A connection that was not redirected, seen by conntrack anyway, reports the listener's own address.
  const local = unmapped(socket.localAddress ?? '');
  return original.address === local && original.port === socket.localPort ? undefined : original;
}

/** "::ffff:10.0.0.1" -> "10.0.0.1": how a dual-stack socket shows an IPv4 peer. */
function unmapped(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
