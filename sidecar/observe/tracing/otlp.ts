/** Encodes finished spans as OTLP/HTTP JSON (POST /v1/traces), the protobuf-JSON mapping of ExportTraceServiceRequest. */
import { splitHostPort, type SpanResource } from './resource.js';
import type { FinishedSpan } from './span.js';

type AnyValue = { stringValue: string } | { intValue: string };
interface KeyValue {
  key: string;
  value: AnyValue;
}

// opentelemetry.proto.trace.v1.Span.SpanKind and Status.StatusCode
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;
const STATUS_CODE_UNSET = 0;
const STATUS_CODE_ERROR = 2;

export function encodeOtlp(spans: FinishedSpan[], resource: SpanResource): string {
  const resourceAttributes: KeyValue[] = [str('service.name', resource.serviceName), str('service.namespace', resource.namespace), str('k8s.namespace.name', resource.namespace)];
  if (resource.pod) resourceAttributes.push(str('k8s.pod.name', resource.pod));
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: resourceAttributes },
        scopeSpans: [{ scope: { name: 'weft-sidecar' }, spans: spans.map(span) }],
      },
    ],
  });
}

function span(s: FinishedSpan) {
  const attributes = Object.entries(s.attributes).map(([k, v]) => (k === 'http.status_code' ? { key: k, value: { intValue: v } } : str(k, v)));
  const hp = s.upstream ? splitHostPort(s.upstream) : undefined;
  if (hp) attributes.push(str('net.peer.name', hp.address), { key: 'net.peer.port', value: { intValue: String(hp.port) } });
  return {
    // OTLP/JSON carries ids as hex; trace ids are 16 bytes, so 64-bit B3 ids are left-padded.
    traceId: s.traceId.padStart(32, '0'),
    spanId: s.spanId,
    parentSpanId: s.parentSpanId ?? '',
    name: s.name,
    kind: s.kind === 'client' ? SPAN_KIND_CLIENT : SPAN_KIND_SERVER,
    startTimeUnixNano: unixNanos(s.startMs),
    endTimeUnixNano: unixNanos(s.startMs + s.durationMs),
    attributes,
    status: { code: s.error ? STATUS_CODE_ERROR : STATUS_CODE_UNSET },
  };
}

/**
 * Epoch milliseconds as a decimal string of nanoseconds. Built with BigInt because the value is
 * past 2^53; kept to whole microseconds, the precision a double holds for today's epoch values.
 */
export function unixNanos(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.round((ms - whole) * 1000);
  return (BigInt(whole) * 1_000_000n + BigInt(micros) * 1000n).toString();
}

function str(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}
