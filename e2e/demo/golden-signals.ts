/**
 * Golden signals (requests, errors, latency) per service, summed from the Prometheus text of
 * several sidecars' /metrics: what `make demo` prints at the end, as a dashboard would show it.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (comments and blank lines skipped). */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.lastIndexOf(' ');
    if (space < 0) continue;
    const name = brace >= 0 && brace < space ? line.slice(0, brace) : line.slice(0, space);
    const labels: Record<string, string> = {};
    if (brace >= 0 && brace < space) {
      for (const m of line.slice(brace + 1, line.lastIndexOf('}')).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
    }
    samples.push({ name, labels, value: Number(line.slice(space + 1)) });
  }
  return samples;
}

export interface GoldenSignals {
  service: string;
  requests: number;
  errors: number;
  /** Upper bounds of the histogram buckets holding the 50th and 99th percentile, in ms. */
  p50Ms: number;
  p99Ms: number;
  retries: number;
}

/** The bucket bound under which `q` of the observations fall (Infinity past the last bound). */
export function quantileBound(buckets: Map<number, number>, q: number): number {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) ?? Math.max(0, ...buckets.values());
  if (total === 0) return Number.NaN;
  for (const le of bounds) if ((buckets.get(le) ?? 0) >= q * total) return le;
  return Infinity;
}

/** Per destination service, as its callers' sidecars saw it (direction `outbound`). */
export function goldenSignals(expositions: readonly string[]): GoldenSignals[] {
  const by = new Map<string, { requests: number; errors: number; retries: number; buckets: Map<number, number> }>();
  const entry = (service: string) => {
    let e = by.get(service);
    if (!e) by.set(service, (e = { requests: 0, errors: 0, retries: 0, buckets: new Map() }));
    return e;
  };
  for (const s of expositions.flatMap(parseMetrics)) {
    const service = s.labels.destination_service;
    if (!service) continue;
    if (s.name === 'weft_retries_total') entry(service).retries += s.value;
    if (s.labels.direction !== 'outbound') continue;
    if (s.name === 'weft_requests_total') {
      const e = entry(service);
      e.requests += s.value;
      if (s.labels.status_class === '5xx') e.errors += s.value;
    } else if (s.name === 'weft_request_duration_seconds_bucket') {
      const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      const buckets = entry(service).buckets;
      buckets.set(le, (buckets.get(le) ?? 0) + s.value);
    }
  }
  return [...by]
    .filter(([, e]) => e.requests > 0)
    .map(([service, e]) => ({ service, requests: e.requests, errors: e.errors, retries: e.retries, p50Ms: quantileBound(e.buckets, 0.5) * 1000, p99Ms: quantileBound(e.buckets, 0.99) * 1000 }))
    .sort((a, b) => a.service.localeCompare(b.service));
}

/** A fixed-width table of the signals, one service a line. */
export function formatSignals(rows: readonly GoldenSignals[]): string {
  const ms = (v: number): string => (Number.isFinite(v) ? `<= ${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms` : v > 0 ? '> 60 s' : '-');
  const lines = [['service', 'requests', 'errors', 'error %', 'p50', 'p99', 'retries']];
  for (const r of rows) {
    lines.push([r.service, String(r.requests), String(r.errors), `${((100 * r.errors) / r.requests).toFixed(1)}%`, ms(r.p50Ms), ms(r.p99Ms), String(r.retries)]);
  }
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  return lines.map((l) => l.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
