/** Summarise a V8 .cpuprofile (from `node --cpu-prof`) into its top frames by self time. */

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }[];
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

function describe(frame: CallFrame): { name: string; location: string } {
  return { name: frame.functionName || '(anonymous)', location: frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '' };
}

/**
 * Rank functions by time: `self` counts only the frame a sample landed in; `total` counts every
 * frame on the sample's stack once (where the time goes through, e.g. a pipeline layer).
 */
function rank(profile: CpuProfile, mode: 'self' | 'total', keep: (frame: CallFrame) => boolean, limit: number): Frame[] {
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
      if (!frame || !keep(frame)) continue;
      const d = describe(frame);
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
export function topFrames(profile: CpuProfile, limit = 15): Frame[] {
  return rank(profile, 'self', () => true, limit);
}

/** weft's own functions (compiled under dist/) by total time: which layers the time goes through. */
export function weftTotals(profile: CpuProfile, limit = 15): Frame[] {
  return rank(profile, 'total', (f) => f.url.includes('/dist/') && !f.url.includes('/dist/bench/'), limit);
}
