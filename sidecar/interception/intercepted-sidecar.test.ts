/**
 * The sidecar under real interception (root only): weft-init's rules in a pod-like network
 * namespace, the built weft-sidecar running there as UID 1337 with WEFT_INTERCEPTION=iptables, an
 * app as UID 1000, and a peer pod beside it. Raw TCP and HTTP for a host the config does not know
 * reach where the app sent them, and the peer's connections to the pod reach the app, all through
 * the sidecar (its /metrics count them).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { builtEntry } from '../../common/testing/built-entry.js';
import { appUid, createPodNetwork, netnsUnavailable, proxyUid, stageForOtherUids, type PodNetwork, type Staged } from './testing/netns.js';

builtEntry('sidecar/interception/init/main.js');
builtEntry('sidecar/main.js');
const node = process.execPath;
const skip = netnsUnavailable();

const config = `
version: intercepted-1
node: { workload: pod, namespace: test }
# Unknown destinations go to where the app sent them (the default, registry-only, refuses them).
outboundTrafficPolicy: allow-any
listeners:
  outbound: { address: 127.0.0.1, port: 15001 }
  inbound: { address: 0.0.0.0, port: 15006 }
  admin: { address: 127.0.0.1, port: 15000 }
`;

describe.skipIf(skip !== undefined)(`the sidecar with WEFT_INTERCEPTION=iptables in a network namespace${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let n: PodNetwork;
  let dir: string;
  let staged: Staged;

  /** What a client started in `ns` as `uid` with ns-tools `args` printed, once it exited. */
  const client = async (ns: string, uid: number, ...args: string[]): Promise<string> => {
    const c = n.start(ns, uid, [node, staged.tools, ...args]);
    await c.exited;
    return c.output().trim();
  };
  /** The sum of the sidecar's `name` series whose labels include `direction`, read from its /metrics. */
  const metric = async (name: string, direction: string): Promise<number> => {
    const text = await client(n.pod, proxyUid, 'get', '127.0.0.1', '15000', 'localhost', '/metrics');
    const series = text.split('\n').filter((l) => l.startsWith(`${name}{`) && l.includes(`direction="${direction}"`));
    return series.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  };

  beforeAll(async () => {
    staged = stageForOtherUids();
    n = createPodNetwork();
    dir = mkdtempSync(join(tmpdir(), 'weft-intercept-'));
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'sidecar.yaml'), config, { mode: 0o644 });
    n.run(n.pod, [node, staged.init]);
    const sidecar = n.start(n.pod, proxyUid, [node, staged.sidecarMain, '--config', join(dir, 'sidecar.yaml')], { WEFT_INTERCEPTION: 'iptables' });
    const servers = [
      sidecar.line(/weft-sidecar ready/),
      n.start(n.peer, 0, [node, staged.tools, 'redis', n.peerAddress, '6379', 'peer']).line(/^listening$/),
      n.start(n.peer, 0, [node, staged.tools, 'http', n.peerAddress, '8080', 'peer-http']).line(/^listening$/),
      n.start(n.pod, appUid, [node, staged.tools, 'http', '0.0.0.0', '9080', 'app']).line(/^listening$/),
      n.start(n.pod, appUid, [node, staged.tools, 'peers', '0.0.0.0', '9090']).line(/^listening$/),
    ];
    await Promise.all(servers);
  }, 60_000);

  afterAll(() => {
    n?.destroy();
    staged?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('outbound raw TCP (a Redis PING) reaches the address the app dialled, through the sidecar', async () => {
    const held = n.start(n.pod, appUid, [node, staged.tools, 'hold', n.peerAddress, '6379', '*1\r\n$4\r\nPING\r\n']);
    expect(await held.line(/^answer/)).toBe('answer +PONG-peer');
    // While the app's connection is open, the sidecar holds it on its outbound listener.
    await vi.waitFor(async () => expect(await metric('weft_open_connections', 'outbound')).toBe(1), { timeout: 10_000, interval: 100 });
    held.child.kill();
    await held.exited;
  });

  it('outbound HTTP for a host the config does not know goes to the original destination, not to the Host', async () => {
    const before = await metric('weft_requests_total', 'outbound');
    // unknown.example resolves nowhere: only the original destination can have answered.
    expect(await client(n.pod, appUid, 'get', n.peerAddress, '8080', 'unknown.example')).toBe(`200 peer-http host=unknown.example from=${n.podAddress} xff=undefined`);
    // The sidecar counts the request when its response ends, which may be just after the client read it.
    await vi.waitFor(async () => expect(await metric('weft_requests_total', 'outbound')).toBe(before + 1), { timeout: 10_000, interval: 100 });
  });

  it('inbound HTTP to the pod address reaches the app on 127.0.0.1 through 15006, the caller in X-Forwarded-For', async () => {
    const before = await metric('weft_requests_total', 'inbound');
    expect(await client(n.peer, 0, 'get', n.podAddress, '9080', `${n.podAddress}:9080`)).toBe(`200 app host=${n.podAddress}:9080 from=127.0.0.1 xff=${n.peerAddress}`);
    await vi.waitFor(async () => expect(await metric('weft_requests_total', 'inbound')).toBe(before + 1), { timeout: 10_000, interval: 100 });
  });

  it('inbound raw TCP reaches the app port the caller dialled; the app sees the sidecar (127.0.0.1) as its peer', async () => {
    expect(await client(n.peer, 0, 'connect', n.podAddress, '9090')).toBe('127.0.0.1');
  });
});
