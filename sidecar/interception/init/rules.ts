/**
 * The interception rules as a pure function of the settings: the nat-table chains weft owns and the
 * rules in them, written as iptables-restore input. The same rules serve IPv4 and IPv6 (they name
 * no address; weft-init installs them for IPv4 only, see apply.ts).
 */
import type { InterceptionSettings } from './settings.js';

/** The chains weft owns in the nat table; every run declares (so creates or empties) them. */
export const chains = {
  inbound: 'WEFT_INBOUND',
  inboundRedirect: 'WEFT_IN_REDIRECT',
  output: 'WEFT_OUTPUT',
  outboundRedirect: 'WEFT_REDIRECT',
} as const;

/** One rule: the chain it is appended to and its match and target, as iptables-save prints them. */
export interface Rule {
  chain: string;
  spec: string;
}

/** The jumps from the built-in chains into weft's own; added once, never duplicated. */
export function jumpRules(): Rule[] {
  return [
    { chain: 'PREROUTING', spec: `-p tcp -j ${chains.inbound}` },
    { chain: 'OUTPUT', spec: `-p tcp -j ${chains.output}` },
  ];
}

/**
 * The rules inside weft's chains, in order. Inbound: TCP arriving at the pod goes to the inbound
 * port unless its destination port is excluded. Outbound: TCP the pod sends goes to the outbound
 * port unless it comes from the proxy's UID, leaves through loopback (the pod talking to itself,
 * which includes the sidecar handing inbound traffic to the app) or goes to an excluded port.
 */
export function chainRules(s: InterceptionSettings): Rule[] {
  const returnFor = (chain: string, ports: number[]): Rule[] => ports.map((p) => ({ chain, spec: `-p tcp -m tcp --dport ${p} -j RETURN` }));
  return [
    ...returnFor(chains.inbound, s.inboundExcludePorts),
    { chain: chains.inbound, spec: `-p tcp -j ${chains.inboundRedirect}` },
    { chain: chains.inboundRedirect, spec: `-p tcp -j REDIRECT --to-ports ${s.inboundPort}` },
    { chain: chains.output, spec: `-m owner --uid-owner ${s.proxyUid} -j RETURN` },
    { chain: chains.output, spec: '-o lo -j RETURN' },
    ...returnFor(chains.output, s.outboundExcludePorts),
    { chain: chains.output, spec: `-j ${chains.outboundRedirect}` },
    { chain: chains.outboundRedirect, spec: `-p tcp -j REDIRECT --to-ports ${s.outboundPort}` },
  ];
}

/** `-A CHAIN SPEC`, the line iptables-save prints for a rule. */
export function ruleLine(r: Rule): string {
  return `-A ${r.chain} ${r.spec}`;
}

/**
 * iptables-restore input (for `--noflush`) that installs the rules over what `currentNat` (the
 * output of `iptables-save -t nat`) shows. Declaring weft's chains empties them, so their rules
 * are rewritten in full; a jump already present is not added again. Run twice, it changes nothing.
 */
export function restoreInput(s: InterceptionSettings, currentNat: string): string {
  const present = new Set(currentNat.split('\n').map((l) => l.trim()));
  const jumps = jumpRules().map(ruleLine).filter((l) => !present.has(l));
  return ['*nat', ...Object.values(chains).map((c) => `:${c} - [0:0]`), ...chainRules(s).map(ruleLine), ...jumps, 'COMMIT', ''].join('\n');
}
