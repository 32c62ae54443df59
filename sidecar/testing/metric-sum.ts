/** Reading the sidecar's Prometheus registry in tests: what /metrics would show, summed over labels. */
import type { SidecarMetrics } from '../observe/sidecar-metrics.js';

/** The sum over the series of `name` whose labels include every one of `labels`. */
export async function metricSum(metrics: SidecarMetrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
  const wanted = Object.entries(labels);
  const matching = (m?.values ?? []).filter((v) => wanted.every(([k, value]) => String(v.labels[k]) === value));
  return matching.reduce((sum, v) => sum + Number(v.value), 0);
}
