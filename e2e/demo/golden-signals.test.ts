import { describe, expect, it } from 'vitest';
import { formatSignals, goldenSignals, parseMetrics, quantileBound } from './golden-signals.js';

const productpageSidecar = `# HELP weft_requests_total Requests
# TYPE weft_requests_total counter
weft_requests_total{direction="outbound",destination_service="reviews-v1",route="reviews-canary",status_code="200",status_class="2xx",error_code=""} 85
weft_requests_total{direction="outbound",destination_service="reviews-v1",route="reviews-canary",status_code="503",status_class="5xx",error_code="WEFT_UPSTREAM"} 5
weft_requests_total{direction="outbound",destination_service="reviews-v2",route="reviews-canary",status_code="200",status_class="2xx",error_code=""} 10
weft_requests_total{direction="inbound",destination_service="productpage",status_code="200",status_class="2xx",error_code=""} 100
weft_retries_total{destination_service="reviews-v1",destination_namespace="weft-demo",route="reviews-canary",reason="gateway-error"} 7
weft_request_duration_seconds_bucket{direction="outbound",destination_service="reviews-v1",status_class="2xx",le="0.001"} 10
weft_request_duration_seconds_bucket{direction="outbound",destination_service="reviews-v1",status_class="2xx",le="0.005"} 80
weft_request_duration_seconds_bucket{direction="outbound",destination_service="reviews-v1",status_class="2xx",le="0.05"} 85
weft_request_duration_seconds_bucket{direction="outbound",destination_service="reviews-v1",status_class="2xx",le="+Inf"} 85
weft_request_duration_seconds_bucket{direction="outbound",destination_service="reviews-v1",status_class="5xx",le="0.001"} 0
weft_request_duration_seconds_bucket{direction="outbound",destination_service="reviews-v1",status_class="5xx",le="0.005"} 0
weft_request_duration_seconds_bucket{direction="outbound",destination_service="reviews-v1",status_class="5xx",le="0.05"} 5
weft_request_duration_seconds_bucket{direction="outbound",destination_service="reviews-v1",status_class="5xx",le="+Inf"} 5
`;
const reviewsSidecar = `weft_requests_total{direction="outbound",destination_service="ratings",status_code="200",status_class="2xx",error_code=""} 40
weft_request_duration_seconds_bucket{direction="outbound",destination_service="ratings",status_class="2xx",le="0.001"} 40
weft_request_duration_seconds_bucket{direction="outbound",destination_service="ratings",status_class="2xx",le="+Inf"} 40
`;

describe('golden signals from sidecars\' /metrics', () => {
  it('parses names, escaped label values and numbers, and skips comments', () => {
    const [s] = parseMetrics('# HELP x y\nweft_config_info{version="a\\"b"} 1\nweft_up 3.5\n');
    expect(s).toEqual({ name: 'weft_config_info', labels: { version: 'a"b' }, value: 1 });
    expect(parseMetrics('weft_up 3.5')).toEqual([{ name: 'weft_up', labels: {}, value: 3.5 }]);
  });

  it('sums outbound requests, 5xx errors, retries and latency buckets per destination across sidecars', () => {
    const rows = goldenSignals([productpageSidecar, reviewsSidecar]);
    expect(rows.map((r) => r.service)).toEqual(['ratings', 'reviews-v1', 'reviews-v2']);
    const v1 = rows.find((r) => r.service === 'reviews-v1')!;
    expect(v1).toMatchObject({ requests: 90, errors: 5, retries: 7 });
    // 10 of 90 under 1 ms, 80 under 5 ms: the median is in the 5 ms bucket; the 99th (89.1) under 50 ms.
    expect(v1.p50Ms).toBe(5);
    expect(v1.p99Ms).toBe(50);
    expect(rows.find((r) => r.service === 'ratings')!.p99Ms).toBe(1);
  });

  it('says when a quantile lies past the last finite bucket, or there is nothing to say', () => {
    expect(quantileBound(new Map([[0.1, 1], [Infinity, 10]]), 0.5)).toBe(Infinity);
    expect(quantileBound(new Map(), 0.5)).toBeNaN();
  });

  it('prints one aligned line per service', () => {
    const table = formatSignals(goldenSignals([productpageSidecar]));
    expect(table.split('\n')).toHaveLength(3);
    expect(table).toMatch(/^reviews-v1\s+90\s+5\s+5\.6%\s+<= 5\.0 ms\s+<= 50 ms\s+7$/m);
  });
});
