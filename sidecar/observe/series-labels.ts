/**
 * Label objects of the per-request metrics, built once per distinct series and reused: building
 * three label objects with spreads on every request was the largest cost of the metrics layer in
 * a CPU profile of the sidecar, and the set of series is small and bounded (docs/decisions/0401).
 * Each series also keeps the counts of its counters until the next scrape hands them to
 * prom-client, which then hashes the labels once per scrape instead of once per request
 * (docs/decisions/0260).
 */
import type { HistogramSeries } from './series-histogram.js';
import type { PeerLabel, RequestLabel } from './metric-labels.js';

export interface SeriesLabels {
  peers: Record<PeerLabel, string>;
  request: Record<RequestLabel, string>;
  duration: Record<PeerLabel | 'status_class', string>;
  /** Counted since the last scrape. */
  counts: SeriesCounts;
  /** The duration histogram's series of `duration`, looked up on the series' first request. */
  durationSeries?: HistogramSeries;
}

export interface SeriesCounts {
  requests: number;
  requestBytes: number;
  responseBytes: number;
}

export interface SeriesKey {
  peers: Record<PeerLabel, string>;
  status: number;
  grpcStatus: string;
  errorCode: string;
}

export class SeriesLabelCache {
  private readonly sets = new Map<string, SeriesLabels>();
  /** Series dropped at the bound whose counts were not scraped yet. */
  private retired: SeriesLabels[] = [];

  /** `max` only guards memory should labels ever stop being bounded; the map is then rebuilt. */
  constructor(private readonly max = 10_000) {}

  get(k: SeriesKey): SeriesLabels {
    const p = k.peers;
    const key = `${p.direction}\u0001${p.source_workload}\u0001${p.source_namespace}\u0001${p.destination_service}\u0001${p.destination_namespace}\u0001${p.destination_workload}\u0001${p.route}\u0001${k.status}\u0001${k.grpcStatus}\u0001${k.errorCode}`;
    let set = this.sets.get(key);
    if (!set) {
      if (this.sets.size >= this.max) {
        // Unscraped counts survive one clear; labels churning faster than scrapes lose them.
        if (this.retired.length >= this.max) this.retired = [];
        for (const old of this.sets.values()) this.retired.push(old);
        this.sets.clear();
      }
      const statusClass = `${Math.floor(k.status / 100)}xx`;
      set = {
        peers: p,
        request: { ...p, status_code: String(k.status), status_class: statusClass, grpc_status: k.grpcStatus, error_code: k.errorCode },
        duration: { ...p, status_class: statusClass },
        counts: { requests: 0, requestBytes: 0, responseBytes: 0 },
        durationSeries: undefined,
      };
      this.sets.set(key, set);
    }
    return set;
  }

  /** Hand each series' `count` since the last call to `add`, and zero it (a scrape's collect()). */
  drain(count: keyof SeriesCounts, add: (set: SeriesLabels, n: number) => void): void {
    for (const set of [...this.retired, ...this.sets.values()]) {
      const n = set.counts[count];
      if (n === 0) continue;
      set.counts[count] = 0;
      add(set, n);
    }
    if (this.retired.every((set) => set.counts.requests === 0 && set.counts.requestBytes === 0 && set.counts.responseBytes === 0)) this.retired = [];
  }
}
