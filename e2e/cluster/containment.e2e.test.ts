/**
 * The local cluster stays in its own network namespace (docs/decisions/0101): no route out of the
 * machine, and its iptables rules only inside. Runs only against the local cluster.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { run } from './exec.js';

interface Link {
  ifname: string;
  link?: string;
  link_netnsid?: number;
  master?: string;
}
interface Route {
  dst: string;
  dev: string;
  gateway?: string;
}
interface AddrInfo {
  ifname: string;
  addr_info: { family: string; local: string }[];
}

const ip = async <T>(args: string[]): Promise<T> => JSON.parse((await run(['ip', '-j', ...args])).stdout) as T;
const NODE_LINKS = ['lo', 'weft-node', 'weft-sink', 'weft-cni0'];

/**
 * The network namespace this suite was started from (`make e2e` enters the cluster's with
 * nsenter): the nearest ancestor process in another namespace. PID 1's is not readable here.
 */
function outerNetns(): string {
  const own = readlinkSync('/proc/self/ns/net');
  let pid = process.ppid;
  while (pid > 1) {
    const ns = `/proc/${pid}/ns/net`;
    if (readlinkSync(ns) !== own) return ns;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }
  throw new Error('no ancestor process outside the cluster network namespace');
}

describe.skipIf(Boolean(process.env.WEFT_E2E_KUBECONFIG))('the local cluster network namespace', () => {
  it('has no route out: its default route ends at a veth whose peer is in the same namespace', async () => {
    const routes = await ip<Route[]>(['route', 'show']);
    const defaults = routes.filter((r) => r.dst === 'default');
    expect(defaults).toEqual([expect.objectContaining({ dev: 'weft-node' })]);
    expect(defaults[0]?.gateway).toBeUndefined();

    const links = await ip<Link[]>(['-d', 'link', 'show']);
    const node = links.find((l) => l.ifname === 'weft-node');
    expect(node?.link).toBe('weft-sink');
    expect(node?.link_netnsid).toBeUndefined();
    // Apart from the node's own links, only pod veths, each a port of the pod bridge.
    for (const link of links.filter((l) => !NODE_LINKS.includes(l.ifname))) {
      expect({ ifname: link.ifname, master: link.master }).toEqual({ ifname: link.ifname, master: 'weft-cni0' });
    }
  });

  it('holds only loopback, node and pod addresses', async () => {
    const addrs = (await ip<AddrInfo[]>(['-4', 'addr', 'show'])).flatMap((a) => a.addr_info.map((i) => `${a.ifname}:${i.local}`));
    for (const a of addrs) expect(a).toMatch(/^(lo:127\.0\.0\.1|weft-node:10\.250\.0\.2|weft-cni0:10\.244\.0\.1)$/);
  });

  it("keeps kube-proxy's rules in the namespace and none in the machine's", async () => {
    const inside = (await run(['iptables-save', '-t', 'nat'])).stdout;
    expect(inside).toContain(':KUBE-SERVICES');
    const machine = (await run(['nsenter', `--net=${outerNetns()}`, '--', 'iptables-save'])).stdout;
    expect(machine).not.toContain('KUBE-');
  });
});
