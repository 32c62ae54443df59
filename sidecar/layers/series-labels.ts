/**
 * Label objects of the per-request metrics, built once per distinct series and reused: building
 * three label objects with spreads on every request was the largest cost of the metrics layer in
 * a CPU profile of the sidecar, and the set of series is small and bounded (docs/decisions/0401).
 */
import type { PeerLabel, RequestLabel } from '../metrics.js';

export interface SeriesLabels {
  peers: Record<PeerLabel, string>;
  request: Record<RequestLabel, string>;
  duration: Record<PeerLabel | 'status_class', string>;
}

export interface SeriesKey {
  peers: Record<PeerLabel, string>;
  status: number;
  grpcStatus: string;
  errorCode: string;
}

export class SeriesLabelCache {
  private readonly sets = new Map<string, SeriesLabels>();

  /** `max` only guards memory should labels ever stop being bounded; the map is then rebuilt. */
  constructor(private readonly max = 10_000) {}

  get(k: SeriesKey): SeriesLabels {
    const p = k.peers;
    const key = `${p.direction}\u0001${p.source_workload}\u0001${p.source_namespace}\u0001${p.destination_service}\u0001${p.destination_namespace}\u0001${p.destination_workload}\u0001${p.route}\u0001${k.status}\u0001${k.grpcStatus}\u0001${k.errorCode}`;
    let set = this.sets.get(key);
    if (!set) {
      if (this.sets.size >= this.max) this.sets.clear();
      const statusClass = `${Math.floor(k.status / 100)}xx`;
      set = {
        peers: p,
        request: { ...p, status_code: String(k.status), status_class: statusClass, grpc_status: k.grpcStatus, error_code: k.errorCode },
        duration: { ...p, status_class: statusClass },
      };
      this.sets.set(key, set);
    }
    return set;
  }
}
