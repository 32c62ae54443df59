/** A scripted control plane on a real gRPC server: records what sidecars say and sends the configs a test gives it. */
import * as grpc from '@grpc/grpc-js';
import { configService } from '../../common/api/load.js';
import { encodePayload } from '../../common/api/payload.js';
import type { ConfigUpdateMessage, ProxyMessage } from '../../common/api/wire.js';

type Call = grpc.ServerDuplexStream<ProxyMessage, ConfigUpdateMessage>;

export class FakeControlPlane {
  readonly received: ProxyMessage[] = [];
  readonly calls: Call[] = [];
  private server = new grpc.Server();
  port = 0;

  async start(port = 0): Promise<void> {
    this.server = new grpc.Server();
    this.server.addService(configService().service, {
      streamConfig: (call: Call) => {
        this.calls.push(call);
        call.on('data', (m: ProxyMessage) => this.received.push(m));
        call.on('error', () => undefined);
        call.on('end', () => call.end());
      },
    });
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
  }

  send(config: unknown, version: string, nonce: string): void {
    this.calls.at(-1)!.write({ version, nonce, ...encodePayload(JSON.stringify(config)), observedAtUnixMs: '0' });
  }

  stop(): void {
    this.server.forceShutdown();
  }

  replies(): ProxyMessage[] {
    return this.received.filter((m) => m.ack || m.nack);
  }
}
