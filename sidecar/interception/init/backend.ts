/**
 * Which iptables backend to write with. The kernel runs legacy (x_tables) and nf_tables rules side
 * by side, so what matters is that weft-init keeps using the backend its rules are already in, and
 * otherwise the one the pod's namespace already holds rules in. The choice is a pure function of
 * what each backend's iptables-save printed (undefined: that backend's tools did not run).
 */
import { chains } from './rules.js';
import type { Backend } from './settings.js';

export type Saves = Record<Backend, string | undefined>;

export interface BackendChoice {
  /** Backends to try in order: the first that installs the rules wins. */
  order: Backend[];
  /** Why the first one was picked, for the log line. */
  reason: string;
}

/** Lines that are rules (`-A ...`) in an iptables-save output. */
export function countRules(save: string | undefined): number {
  return save ? save.split('\n').filter((l) => l.startsWith('-A ')).length : 0;
}

/** True when the output shows one of weft's chains (a previous run of weft-init). */
export function hasWeftChains(save: string | undefined): boolean {
  return save !== undefined && save.split('\n').some((l) => l.startsWith(`:${chains.inbound} `) || l.startsWith(`:${chains.output} `));
}

/**
 * Forced backend: that one only. Otherwise the backend that already has weft's chains, then the one
 * with more rules, then nf_tables (what current distributions default to), then legacy.
 */
export function chooseBackend(forced: Backend | undefined, saves: Saves): BackendChoice {
  if (forced) return { order: [forced], reason: 'WEFT_IPTABLES' };
  const usable = (['nft', 'legacy'] as const).filter((b) => saves[b] !== undefined);
  const withWeft = usable.find((b) => hasWeftChains(saves[b]));
  if (withWeft) return { order: [withWeft], reason: "weft's chains are already there" };
  const ranked = [...usable].sort((a, b) => countRules(saves[b]) - countRules(saves[a]));
  const first = ranked[0];
  if (!first) return { order: ['nft', 'legacy'], reason: 'neither iptables-save ran; trying both' };
  const reason = countRules(saves[first]) > 0 ? 'it holds the most rules in this network namespace' : 'no rules anywhere yet: the default';
  const rest = (['nft', 'legacy'] as const).filter((b) => b !== first);
  // A backend that has rules of others is the only one tried: mixing them makes the rules hard to read.
  return { order: countRules(saves[first]) > 0 ? [first] : [first, ...rest], reason };
}
