/**
 * weft-init for real: in a pod-like network namespace with a peer namespace beside it, its rules
 * send another UID's TCP to the outbound listener and inbound TCP to the inbound listener, while the
 * proxy's UID, loopback and excluded ports go where they were sent. It runs with NET_ADMIN and
 * NET_RAW as its only capabilities, as in its container. Needs root (skipped otherwise).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { builtEntry } from '../../../common/testing/built-entry.js';
import { appUid, createPodNetwork, netnsUnavailable, proxyUid, stageForOtherUids, type PodNetwork, type Staged } from '../testing/netns.js';

builtEntry('sidecar/interception/init/main.js');
const node = process.execPath;
const skip = netnsUnavailable();

let net: PodNetwork | undefined;
let staged: Staged;
afterEach(() => {
  net?.destroy();
  net = undefined;
});

/** Runs weft-init as the init container does: UID 0 with NET_ADMIN and NET_RAW as its only capabilities. */
function runInit(n: PodNetwork, env: NodeJS.ProcessEnv): string {
  return n.run(n.pod, ['setpriv', '--bounding-set=-all,+net_admin,+net_raw', '--inh-caps=-all', '--no-new-privs', '--', node, staged.init], env);
}

/** What a client in `ns` running as `uid` receives from host:port. */
async function answer(n: PodNetwork, ns: string, uid: number, host: string, port: number): Promise<string> {
  const client = n.start(ns, uid, [node, staged.tools, 'connect', host, String(port)]);
  await client.exited;
  return client.output().trim();
}

async function serve(n: PodNetwork, ns: string, uid: number, host: string, port: number, tag: string): Promise<void> {
  await n.start(ns, uid, [node, staged.tools, 'tag', host, String(port), tag]).line(/^listening$/);
}

function weftRules(n: PodNetwork, backend: 'legacy' | 'nft'): string[] {
  return n
    .run(n.pod, [`iptables-${backend}-save`, '-t', 'nat'])
    .split('\n')
    .filter((l) => l.startsWith('-A ') && l.includes('WEFT'));
}

describe.skipIf(skip !== undefined)(`weft-init in a network namespace${skip ? ` (skipped: ${skip})` : ''}`, () => {
  beforeAll(() => void (staged = stageForOtherUids()));
  afterAll(() => staged?.remove());

  it.each(['legacy', 'nft'] as const)('with iptables-%s: redirects other UIDs, leaves the proxy UID, loopback and excluded ports alone', async (backend) => {
    const n = (net = createPodNetwork());
    const env = { WEFT_IPTABLES: backend, WEFT_OUTBOUND_EXCLUDE_PORTS: '7001', WEFT_INBOUND_EXCLUDE_PORTS: '8081' };
    expect(runInit(n, env)).toContain(`rules installed with iptables-${backend}`);
    const rules = weftRules(n, backend);
    expect(rules).toContain('-A OUTPUT -p tcp -j WEFT_OUTPUT');
    // A restarted init container finds its rules in place, succeeds, and adds nothing.
    expect(runInit(n, env)).toContain(`iptables-${backend}`);
    expect(weftRules(n, backend)).toEqual(rules);

    await serve(n, n.pod, proxyUid, '127.0.0.1', 15001, 'outbound-listener');
    await serve(n, n.pod, proxyUid, '0.0.0.0', 15006, 'inbound-listener');
    await serve(n, n.pod, proxyUid, '0.0.0.0', 15000, 'admin');
    await serve(n, n.pod, appUid, '0.0.0.0', 8080, 'app');
    await serve(n, n.pod, appUid, '0.0.0.0', 8081, 'app-excluded');
    await serve(n, n.peer, 0, n.peerAddress, 7000, 'peer');
    await serve(n, n.peer, 0, n.peerAddress, 7001, 'peer-excluded');

    // Outbound.
    expect(await answer(n, n.pod, appUid, n.peerAddress, 7000)).toBe('outbound-listener');
    expect(await answer(n, n.pod, 0, n.peerAddress, 7000)).toBe('outbound-listener');
    expect(await answer(n, n.pod, proxyUid, n.peerAddress, 7000)).toBe('peer');
    expect(await answer(n, n.pod, appUid, n.peerAddress, 7001)).toBe('peer-excluded');
    expect(await answer(n, n.pod, appUid, n.podAddress, 8080)).toBe('app');
    // Inbound.
    expect(await answer(n, n.peer, 0, n.podAddress, 8080)).toBe('inbound-listener');
    expect(await answer(n, n.peer, 0, n.podAddress, 8081)).toBe('app-excluded');
    expect(await answer(n, n.peer, 0, n.podAddress, 15000)).toBe('admin');
  });

  it('detects the backend: the one already holding rules, then its own on a restart', () => {
    const n = (net = createPodNetwork());
    n.run(n.pod, ['iptables-legacy', '-t', 'nat', '-A', 'OUTPUT', '-d', '192.0.2.1/32', '-j', 'RETURN']);
    expect(runInit(n, {})).toContain('rules installed with iptables-legacy (it holds the most rules');
    expect(runInit(n, {})).toContain("rules installed with iptables-legacy (weft's chains are already there)");
    expect(weftRules(n, 'legacy').filter((l) => l.startsWith('-A OUTPUT'))).toEqual(['-A OUTPUT -p tcp -j WEFT_OUTPUT']);
  });

  it('fails with a clear message and a non-zero exit without the rights to change iptables', async () => {
    const n = (net = createPodNetwork());
    const run = n.start(n.pod, appUid, [node, staged.init]);
    expect(await run.exited).toBe(1);
    expect(run.errors()).toMatch(/WEFT_INIT_APPLY_FAILED: could not install the interception rules \(weft-init runs as UID 0 with the NET_ADMIN and NET_RAW capabilities\)/);
    expect(run.errors()).toMatch(/nft: iptables-nft-save exited/);
    const bad = n.start(n.pod, 0, [node, staged.init], { WEFT_OUTBOUND_PORT: 'x' });
    expect(await bad.exited).toBe(1);
    expect(bad.errors()).toContain('weft-init: WEFT_INIT_BAD_SETTING: WEFT_OUTBOUND_PORT: "x" is not a whole number from 1 to 65535');
  });
});
