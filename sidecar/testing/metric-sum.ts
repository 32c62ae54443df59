/** Reading the sidecar's Prometheus registry in tests: what /metrics would show, summed over labels. */
import type { SidecarMetrics } from '../metrics.js';

export async function metricSum(metrics: SidecarMetrics, name: string): Promise<number> {
  const m = (await metrics.registry.getMetricsAsJSON()).find((x) => x.name === name);
  return (m?.values ?? []).reduce((sum, v) => sum + Number(v.value), 0);
}
