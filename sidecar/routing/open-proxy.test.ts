import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtEntry } from '../../common/testing/built-entry.js';

const main = builtEntry('sidecar/main.js');
const probe = new URL('../testing/netns-probe.mjs', import.meta.url).pathname;
const root = process.getuid?.() === 0;
const ns = `weft-open-proxy-${process.pid}`;
// `ip netns exec` bind-mounts /etc/netns/<name>/resolv.conf over /etc/resolv.conf for what it runs.
const nsEtc = `/etc/netns/${ns}`;
let dir = '';

const config = `
node: { workload: client, namespace: default }
outboundTrafficPolicy: allow-any
listeners:
  outbound: { address: 127.0.0.1, port: 15001 }
  inbound: { address: 127.0.0.1, port: 15006 }
  admin: { address: 127.0.0.1, port: 15000 }
services:
  - name: known
    namespace: default
    ports: [{ port: 8081, endpoints: [{ address: 127.0.0.2, port: 8081 }] }]
`;

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });

describe.skipIf(!root)('the outbound listener is not an open proxy (in a network namespace with only loopback; skipped when not root, which ip netns needs)', () => {
  beforeAll(() => {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'addr', 'add', '127.0.0.2/32', 'dev', 'lo');
    mkdirSync(nsEtc, { recursive: true });
    writeFileSync(join(nsEtc, 'resolv.conf'), 'nameserver 127.0.0.2\noptions timeout:1 attempts:1\n');
    dir = mkdtempSync(join(tmpdir(), 'weft-open-proxy-'));
    writeFileSync(join(dir, 'sidecar.yaml'), config);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    rmSync(nsEtc, { recursive: true, force: true });
    try {
      ip('netns', 'delete', ns);
    } catch {
      // Not created (beforeAll failed early): nothing to delete.
    }
  });

  it('refuses every request-chosen destination (its own listener included), resolves no name, and still routes a known service', () => {
    const out = execFileSync('ip', ['netns', 'exec', ns, process.execPath, probe, main.pathname, join(dir, 'sidecar.yaml')], { encoding: 'utf8', timeout: 60_000 });
    const seen = JSON.parse(out.trim().split('\n').pop()!) as { results: Record<string, string>; fds: { before: number; most: number }; bystander: number; upstream: string[]; dnsAfterAttempts: number; dnsAfterControl: number };
    expect(seen.results).toEqual({
      'host 127.0.0.2': '403 WEFT_UNKNOWN_DESTINATION',
      'host 127.0.0.2 as one number': '403 WEFT_UNKNOWN_DESTINATION',
      'absolute-form to 127.0.0.2': '403 WEFT_UNKNOWN_DESTINATION',
      'absolute-form to a name': '403 WEFT_UNKNOWN_DESTINATION',
      'host that is a name': '403 WEFT_UNKNOWN_DESTINATION',
      'self as 127.1': '403 WEFT_UNKNOWN_DESTINATION',
      'self as mapped IPv6': '403 WEFT_UNKNOWN_DESTINATION',
      'self as 0x7f.1': '403 WEFT_UNKNOWN_DESTINATION',
      control: '200',
    });
    // The sidecar's own descriptors: one client connection at a time, never a loop's hundreds.
    expect(seen.fds.most - seen.fds.before).toBeLessThanOrEqual(3);
    expect(seen.bystander).toBe(0);
    expect(seen.upstream).toEqual(['/known']);
    expect(seen.dnsAfterAttempts).toBe(0);
    // The DNS listener works: the probe's own lookup reached it.
    expect(seen.dnsAfterControl).toBeGreaterThan(0);
  });
});
