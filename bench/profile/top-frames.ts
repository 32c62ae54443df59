/** Summarise a V8 .cpuprofile (from `node --cpu-prof`) into its top frames by self time. */

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }[];
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

export function topFrames(profile: CpuProfile, limit = 15): Frame[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfTime = new Map<number, number>();
  if (profile.samples && profile.timeDeltas && profile.samples.length === profile.timeDeltas.length) {
    // A sample's time is the delta to the next sample.
    profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas?.[i + 1] ?? 0)));
  } else {
    for (const n of profile.nodes) selfTime.set(n.id, n.hitCount ?? 0);
  }
  const totals = new Map<string, { name: string; location: string; time: number }>();
  let busy = 0;
  for (const [id, time] of selfTime) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === IDLE) continue;
    busy += time;
    const name = frame.functionName || '(anonymous)';
    const location = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : '';
    const key = `${name}@${location}`;
    const entry = totals.get(key) ?? { name, location, time: 0 };
    entry.time += time;
    totals.set(key, entry);
  }
  return [...totals.values()]
    .sort((a, b) => b.time - a.time)
    .slice(0, limit)
    .map((e) => ({ name: e.name, location: e.location, selfPercent: busy > 0 ? (e.time / busy) * 100 : 0 }));
}
