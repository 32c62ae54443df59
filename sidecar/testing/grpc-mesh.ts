/**
 * gRPC replicas in a mesh on loopback: each echo server behind its own sidecar's inbound listener,
 * and a client sidecar whose `echo:50051` service has those inbound listeners as its endpoints, so
 * every call crosses a real outbound -> inbound sidecar pair.
 */
import { seededRandom } from '../../common/random.js';
import type { Sidecar } from '../sidecar.js';
import { testConfig } from './config.js';
import { echoClient, startGrpcEcho, type EchoBehaviour, type EchoClient, type GrpcEchoServer } from './grpc-echo.js';
import type { Harness } from './harness.js';
import { metricSum } from './metric-sum.js';

export interface GrpcMesh {
  client: Sidecar;
  /** The replicas' apps, in endpoint order. */
  apps: GrpcEchoServer[];
  /** `127.0.0.1:<inbound port>` of each replica's sidecar, in the same order: the upstream keys. */
  endpoints: string[];
  /** A grpc-js client on one channel through the client sidecar, closed after the test. */
  channel(): EchoClient;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
}

/** One replica per behaviour; `policy` is the service's TrafficPolicy in the static-file shape. */
export async function grpcMesh(h: Harness, replicas: EchoBehaviour[], policy: Record<string, unknown> = {}): Promise<GrpcMesh> {
  const apps: GrpcEchoServer[] = [];
  const inboundPorts: number[] = [];
  for (const [i, behaviour] of replicas.entries()) {
    const app = await h.own(startGrpcEcho(`echo-${i + 1}`, behaviour));
    const sidecar = await h.sidecar(testConfig({ node: { workload: `echo-${i + 1}`, namespace: 'default' }, inbound: [{ port: 50051, appPort: app.port, protocol: 'grpc' }] }));
    apps.push(app);
    inboundPorts.push(sidecar.addresses().inbound.port);
  }
  const endpoints = inboundPorts.map((port) => ({ address: '127.0.0.1', port }));
  const client = await h.sidecar(testConfig({ services: [{ name: 'echo', namespace: 'default', ports: [{ port: 50051, protocol: 'grpc', endpoints }], policy }] }), {
    policyRandom: seededRandom(7),
  });
  return {
    client,
    apps,
    endpoints: inboundPorts.map((port) => `127.0.0.1:${port}`),
    channel() {
      const c = echoClient(client.addresses().outbound.port, 'echo:50051');
      h.defer(() => c.close());
      return c;
    },
    metric: (name, labels) => metricSum(client.observability.metrics, name, labels),
  };
}
