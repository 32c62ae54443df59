/** Summarise a V8 .cpuprofile (from `node --cpu-prof`) into its top frames by self time. */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number }; hitCount?: number; children?: number[] }[];
  samples?: number[];
  timeDeltas?: number[];
}

export interface Frame {
  name: string;
  location: string;
  selfPercent: number;
}

/** Idle time is the process waiting for I/O; percentages are of the time it was busy. */
const IDLE = '(idle)';

function shortUrl(url: string): string {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

type CallFrame = CpuProfile['nodes'][number]['callFrame'];

/** Self time per profile node: a sample's time is the delta to the next sample. */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const selfTime = new Map<number, number>();
  if (profile.samples && profile.timeDeltas && profile.samples.length === profile.timeDeltas.length) {
    profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas?.[i + 1] ?? 0)));
  } else {
    for (const n of profile.nodes) selfTime.set(n.id, n.hitCount ?? 0);
  }
  return selfTime;
}

/** Where a frame's code was written: its file (URL or path) and 0-based line. */
export type SourceOf = (frame: CallFrame) => { url: string; line: number };

const asCompiled: SourceOf = (frame) => ({ url: frame.url, line: frame.lineNumber });

/**
 * Frames of a bundle (the sidecar is one, docs/decisions/0280) mapped back through the bundle's
 * source map (`<file>.map` beside it), so a profile names sidecar/policy/retry.ts or undici's file
 * rather than a line of dist/sidecar/main.js. Files without a map are taken as they are.
 */
export function sourceMapped(): SourceOf {
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (url: string): SourceMap | undefined => {
    if (!maps.has(url)) {
      const file = url.startsWith('file:') ? fileURLToPath(url) : url;
      const map = file.endsWith('.js') && existsSync(`${file}.map`) ? new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as never) : undefined;
      maps.set(url, map);
    }
    return maps.get(url);
  };
  return (frame) => {
    // findEntry answers {} where the map has nothing for that position.
    const entry = (frame.url ? mapOf(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber ?? 0) : undefined) as { originalSource?: string; originalLine?: number } | undefined;
    return entry?.originalSource ? { url: entry.originalSource.replace(/^(\.\.\/)+/, ''), line: entry.originalLine ?? 0 } : asCompiled(frame);
  };
}

/** weft's own code: its compiled files under dist/ (not the benchmark's), or its sources a map points at. */
function isWeft(url: string): boolean {
  if (!url || url.includes('node_modules/') || url.startsWith('node:')) return false;
  if (url.includes('/dist/')) return !url.includes('/dist/bench/');
  return /^(sidecar|control-plane|common)\//.test(url);
}

function describe(frame: CallFrame, sourceOf: SourceOf): { name: string; location: string; own: boolean } {
  const { url, line } = sourceOf(frame);
  return { name: frame.functionName || '(anonymous)', location: url ? `${shortUrl(url)}:${line + 1}` : '', own: isWeft(url) };
}

/**
 * Rank functions by time: `self` counts only the frame a sample landed in; `total` counts every
 * frame on the sample's stack once (where the time goes through, e.g. a pipeline layer).
 */
function rank(profile: CpuProfile, mode: 'self' | 'total', ownOnly: boolean, limit: number, sourceOf: SourceOf): Frame[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const totals = new Map<string, { name: string; location: string; time: number }>();
  let busy = 0;
  for (const [id, time] of selfTimes(profile)) {
    const leaf = byId.get(id)?.callFrame;
    if (!leaf || leaf.functionName === IDLE) continue;
    busy += time;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = mode === 'self' ? undefined : parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame) continue;
      const { own, ...d } = describe(frame, sourceOf);
      if (ownOnly && !own) continue;
      const key = `${d.name}@${d.location}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = totals.get(key) ?? { ...d, time: 0 };
      entry.time += time;
      totals.set(key, entry);
    }
  }
  return [...totals.values()]
    .sort((a, b) => b.time - a.time)
    .slice(0, limit)
    .map((e) => ({ name: e.name, location: e.location, selfPercent: busy > 0 ? (e.time / busy) * 100 : 0 }));
}

/** Functions by self time, idle left out of the share. */
export function topFrames(profile: CpuProfile, limit = 15, sourceOf: SourceOf = asCompiled): Frame[] {
  return rank(profile, 'self', false, limit, sourceOf);
}

/** weft's own functions by total time: which layers the time goes through. */
export function weftTotals(profile: CpuProfile, limit = 15, sourceOf: SourceOf = asCompiled): Frame[] {
  return rank(profile, 'total', true, limit, sourceOf);
}
