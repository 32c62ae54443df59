/** The control plane's Prometheus metrics, on a registry of its own so tests and replicas never share state. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class ControlPlaneMetrics {
  readonly registry = new Registry();

  readonly connectedProxies = new Gauge({ name: 'weft_cp_connected_proxies', help: 'Sidecars with an open config stream.', registers: [this.registry] });
  readonly pushes = new Counter({ name: 'weft_cp_pushes_total', help: 'Config updates sent to sidecars.', registers: [this.registry] });
  readonly pushBytes = new Histogram({
    name: 'weft_cp_push_bytes',
    help: 'Size of one config update on the wire (JSON document).',
    buckets: [1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304],
    registers: [this.registry],
  });
  readonly acks = new Counter({ name: 'weft_cp_acks_total', help: 'Config updates sidecars accepted.', registers: [this.registry] });
  readonly nacks = new Counter({ name: 'weft_cp_nacks_total', help: 'Config updates sidecars refused (the version is parked).', registers: [this.registry] });
  readonly queueOverflows = new Counter({
    name: 'weft_cp_queue_overflows_total',
    help: 'Streams reset because a sidecar left too many updates unacknowledged.',
    registers: [this.registry],
  });
  readonly rejectedStreams = new Counter({
    name: 'weft_cp_rejected_streams_total',
    help: 'Streams refused before any config was sent.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly generateErrors = new Counter({
    name: 'weft_cp_generate_errors_total',
    help: 'Per-proxy configs that could not be built or failed validation (never sent).',
    registers: [this.registry],
  });
  readonly propagation = new Histogram({
    name: 'weft_cp_propagation_seconds',
    help: 'From the Kubernetes watch event to the sidecar ACK of the config that includes it.',
    buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 5, 10],
    registers: [this.registry],
  });
  readonly admissions = new Counter({
    name: 'weft_cp_admissions_total',
    help: 'Pods the injection webhook answered for, by result (injected, skipped, refused, error).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly informerRestarts = new Counter({
    name: 'weft_cp_informer_restarts_total',
    help: 'Watch restarts per resource, by reason (error, gone, silence, closed).',
    labelNames: ['resource', 'reason'] as const,
    registers: [this.registry],
  });
  /** Per resource: seconds since its watch last heard from the API server; read at scrape time. */
  readonly lagSources = new Map<string, () => number>();
  readonly informerLag = new Gauge({
    name: 'weft_cp_informer_lag_seconds',
    help: 'Seconds since each resource watch last heard from the API server (event or bookmark).',
    labelNames: ['resource'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [resource, lag] of this.lagSources) this.informerLag.set({ resource }, lag());
    },
  });
  readonly informerSynced = new Gauge({
    name: 'weft_cp_informer_synced',
    help: '1 once the resource has been listed and is being watched.',
    labelNames: ['resource'] as const,
    registers: [this.registry],
  });
  readonly isLeader = new Gauge({ name: 'weft_cp_leader', help: '1 when this replica holds the leader lease and writes status.', registers: [this.registry] });

  withProcessMetrics(): this {
    collectDefaultMetrics({ register: this.registry });
    return this;
  }
}
