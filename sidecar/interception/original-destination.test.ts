/**
 * The original-destination addon: undefined for a connection nobody redirected; for real, inside
 * network namespaces with iptables REDIRECT (root only), the address and port the client dialled,
 * IPv4 outbound and inbound and IPv6.
 */
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtEntry } from '../../common/testing/built-entry.js';
import { addonPath, loadOriginalDestination } from './original-destination.js';
import { appUid, createPodNetwork, netnsUnavailable, proxyUid, stageForOtherUids, type PodNetwork, type Staged } from './testing/netns.js';

builtEntry('sidecar/interception/original-destination.js');
builtEntry('sidecar/interception/init/main.js');
const node = process.execPath;
const skip = netnsUnavailable();

describe('addonPath', () => {
  it.each([
    ['the source', '/opt/weft/sidecar/interception/original-destination.ts'],
    ['the compiled file', '/opt/weft/dist/sidecar/interception/original-destination.js'],
    ['the bundle', '/opt/weft/dist/sidecar/main.js'],
  ])('from %s: the package root dist/native', (_name, from) => {
    const path = addonPath(from.replace('/opt/weft', new URL('../..', import.meta.url).pathname.replace(/\/$/, '')));
    expect(path).toBe(new URL('../../dist/native/original-destination.node', import.meta.url).pathname);
  });
});

describe('loadOriginalDestination', () => {
  it('says how to build the addon when it is missing', () => {
    expect(() => loadOriginalDestination('/nonexistent/original-destination.node')).toThrow(/build it with npm run build, which needs gcc and libc6-dev/);
  });

  it('gives undefined for a connection that was not redirected', async () => {
    const originalDestination = loadOriginalDestination();
    const seen: (ReturnType<typeof originalDestination> | null)[] = [];
    const server = createServer((s: Socket) => {
      seen.push(originalDestination(s) ?? null);
      s.destroy();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(client, 'close');
    server.close();
    expect(seen).toEqual([null]);
  });
});

let net: PodNetwork | undefined;
let staged: Staged;
afterEach(() => {
  net?.destroy();
  net = undefined;
});

async function originalSeenBy(n: PodNetwork, listen: { ns: string; host: string; port: number }, client: { ns: string; uid: number; host: string; port: number }): Promise<unknown> {
  await n.start(listen.ns, proxyUid, [node, staged.tools, 'origdst', listen.host, String(listen.port), staged.originalDestinationModule]).line(/^listening$/);
  const c = n.start(client.ns, client.uid, [node, staged.tools, 'connect', client.host, String(client.port)]);
  await c.exited;
  return (JSON.parse(c.output()) as { original: unknown }).original;
}

describe.skipIf(skip !== undefined)(`original destination of redirected connections${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(() => void (staged = stageForOtherUids()));
  afterAll(() => staged?.remove());

  it('IPv4, behind weft-init: outbound gives the peer the app dialled, inbound the pod port the peer dialled', async () => {
    const n = (net = createPodNetwork());
    n.run(n.pod, [node, staged.init]);
    expect(await originalSeenBy(n, { ns: n.pod, host: '127.0.0.1', port: 15001 }, { ns: n.pod, uid: appUid, host: n.peerAddress, port: 7000 })).toEqual({ address: n.peerAddress, port: 7000 });
    expect(await originalSeenBy(n, { ns: n.pod, host: '0.0.0.0', port: 15006 }, { ns: n.peer, uid: 0, host: n.podAddress, port: 8080 })).toEqual({ address: n.podAddress, port: 8080 });
  });

  it('IPv6: the address and port the client dialled', async () => {
    const n = (net = createPodNetwork());
    n.run(n.pod, ['ip6tables', '-t', 'nat', '-A', 'OUTPUT', '-p', 'tcp', '-d', 'fd77::9', '-j', 'REDIRECT', '--to-ports', '15001']);
    // A route for the dialled address, so the connection gets as far as the nat table.
    n.run(n.pod, ['ip', '-6', 'route', 'add', 'fd77::9/128', 'dev', 'lo']);
    expect(await originalSeenBy(n, { ns: n.pod, host: '::1', port: 15001 }, { ns: n.pod, uid: appUid, host: 'fd77::9', port: 6379 })).toEqual({ address: 'fd77::9', port: 6379 });
  });
});
