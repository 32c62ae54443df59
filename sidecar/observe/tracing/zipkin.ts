/** Encodes finished spans as Zipkin v2 JSON (POST /api/v2/spans). */
import { isIPv4, isIPv6 } from 'node:net';
import { splitHostPort, type SpanResource } from './resource.js';
import type { FinishedSpan } from './span.js';

interface ZipkinEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

export function encodeZipkin(spans: FinishedSpan[], resource: SpanResource): string {
  return JSON.stringify(
    spans.map((s) => ({
      traceId: s.traceId,
      id: s.spanId,
      parentId: s.parentSpanId,
      name: s.name,
      kind: s.kind === 'client' ? 'CLIENT' : 'SERVER',
      // Zipkin wants integer microseconds; a span is at least 1 µs long.
      timestamp: Math.round(s.startMs * 1000),
      duration: Math.max(1, Math.round(s.durationMs * 1000)),
      localEndpoint: { serviceName: resource.serviceName },
      remoteEndpoint: remote(s.upstream),
      tags: s.error ? { ...s.attributes, error: s.attributes.error ?? 'true' } : s.attributes,
    })),
  );
}

function remote(upstream: string | undefined): ZipkinEndpoint | undefined {
  const hp = upstream ? splitHostPort(upstream) : undefined;
  if (!hp) return undefined;
  if (isIPv4(hp.address)) return { ipv4: hp.address, port: hp.port };
  if (isIPv6(hp.address)) return { ipv6: hp.address, port: hp.port };
  return { serviceName: hp.address, port: hp.port };
}
