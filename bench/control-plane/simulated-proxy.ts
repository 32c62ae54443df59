/**
 * A simulated proxy for the fan-out benchmark: says hello, records when each config version
 * arrives and how many bytes it carried, and ACKs it without parsing it (a real sidecar validates
 * in its own process; here a thousand of them share one event loop).
 */
import * as grpc from '@grpc/grpc-js';
import { configService } from '../../common/api/load.js';
import type { ConfigUpdateMessage, ProxyMessage } from '../../common/api/wire.js';

type Stream = grpc.ClientDuplexStream<ProxyMessage, ConfigUpdateMessage>;

export class SimulatedProxy {
  /** Arrival wall times (ms) of the updates since the last reset (versions are content hashes, so order is what we go by). */
  arrivals: number[] = [];
  /** The updates behind `arrivals`, when the proxy was asked to keep them (to look inside later, off the arrival path). */
  updates: ConfigUpdateMessage[] = [];
  bytes = 0;
  private readonly client: grpc.Client;
  private readonly stream: Stream;

  constructor(address: string, index: number, private readonly keepUpdates = false) {
    const Client = configService();
    // grpc-js pools connections: the harness's proxies share one HTTP/2 connection, where a real
    // sidecar has its own. A connection window as large as all their updates together keeps the
    // sharing from throttling the server with flow control no real sidecar would apply.
    this.client = new Client(address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024, 'grpc-node.flow_control_window': 256 * 1024 * 1024 });
    this.stream = (this.client as unknown as { streamConfig(): Stream }).streamConfig();
    this.stream.on('data', (m: ConfigUpdateMessage) => {
      this.arrivals.push(performance.timeOrigin + performance.now());
      if (this.keepUpdates) this.updates.push(m);
      this.bytes += (m.configJsonGzip?.length ?? 0) + (m.configJson?.length ?? 0);
      this.stream.write({ ack: { nonce: m.nonce, version: m.version } });
    });
    this.stream.on('error', () => undefined);
    const pod = `bench-${index}`;
    this.stream.write({ hello: { identity: { pod, namespace: 'bench', serviceAccount: 'bench', workload: 'bench', labels: {}, podIp: '' }, currentVersion: '' } });
  }

  /** Forget what arrived so far: the next change is measured from here. */
  reset(): void {
    this.arrivals = [];
    this.updates = [];
  }

  close(): void {
    this.stream.end();
    this.client.close();
  }
}
