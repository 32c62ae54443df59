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
  bytes = 0;
  private readonly client: grpc.Client;
  private readonly stream: Stream;

  constructor(address: string, index: number) {
    const Client = configService();
    this.client = new Client(address, grpc.credentials.createInsecure(), { 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
    this.stream = (this.client as unknown as { streamConfig(): Stream }).streamConfig();
    this.stream.on('data', (m: ConfigUpdateMessage) => {
      this.arrivals.push(performance.timeOrigin + performance.now());
      this.bytes += (m.configJsonGzip?.length ?? 0) + (m.configJson?.length ?? 0);
      this.stream.write({ ack: { nonce: m.nonce, version: m.version } });
    });
    this.stream.on('error', () => undefined);
    const pod = `bench-${index}`;
    this.stream.write({ hello: { identity: { pod, namespace: 'bench', serviceAccount: 'bench', workload: 'bench', labels: {}, podIp: '' }, currentVersion: '' } });
  }

  close(): void {
    this.stream.end();
    this.client.close();
  }
}
