/**
 * One listening port (outbound 15001 or inbound 15006): sniffs each connection and hands it to the
 * HTTP/1.1 server, the HTTP/2 server or the TCP pass-through; tracks connections for drain.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { ProtocolLimits } from '../../common/config/types.js';
import type { Destination, OriginalDestination } from '../interception/original-destination.js';
import { tunnel, type TcpDestination } from '../protocol/tcp-proxy.js';
import type { FrontendOptions } from './exchange.js';
import { Http1Frontend } from './http1-frontend.js';
import { Http2Frontend } from './http2-frontend.js';
import { sniff } from './sniff.js';
import { Tracker } from './tracker.js';

export interface ListenerOptions extends FrontendOptions {
  name: string;
  /** Limits fixed when the listener starts (Node's parser takes them at creation). */
  limits: ProtocolLimits;
  /** Where non-HTTP bytes go (given the connection's original destination, under interception), or undefined to refuse them. */
  tcpDestination(original: Destination | undefined): TcpDestination | undefined;
  /** Told of each connection that turned out not to be HTTP, with its original destination (for metrics). */
  onNonHttp?(original: Destination | undefined): void;
  /** Reads a connection's original destination (WEFT_INTERCEPTION=iptables); absent without interception. */
  originalDestination?: OriginalDestination;
  /** Told +1 / -1 as client connections open and close. */
  onConnections?: (delta: number) => void;
}

/** A connection silent this long is taken for a server-first TCP protocol, when a TCP destination exists. */
const serverFirstWaitMs = 1_000;

export class Listener {
  readonly tracker: Tracker;
  private readonly server: Server;
  private readonly http1: Http1Frontend;
  private readonly http2: Http2Frontend;

  constructor(private readonly options: ListenerOptions) {
    this.tracker = new Tracker(options.onConnections);
    const frontend = { ...options, tracker: this.tracker, maxHeaderBytes: options.limits.maxHeaderBytes };
    this.http1 = new Http1Frontend({ ...frontend, headersTimeoutMs: options.limits.headersTimeoutMs });
    this.http2 = new Http2Frontend({ ...frontend, idleMs: options.limits.headersTimeoutMs, maxConcurrentStreams: options.limits.maxConcurrentStreams });
    // noDelay: responses go out in several writes (head, body, end); Nagle would hold them for the peer's delayed ACK.
    this.server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => void this.onConnection(socket));
  }

  listen(address: string, port: number): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: address, port }, () => {
        this.server.removeListener('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  /** Stop accepting; close idle connections; ask busy ones to close after their current exchange. */
  stopAccepting(): void {
    this.server.close();
    this.http1.closeIdle();
    this.http2.closeIdle();
  }

  /** Resolves when no request or tunnel is in flight. */
  idle(): Promise<void> {
    return this.tracker.idle();
  }

  /** Forcibly close whatever is left. */
  destroy(): void {
    this.server.close();
    this.http1.close();
    this.tracker.destroyAll();
  }

  private async onConnection(socket: Socket): Promise<void> {
    this.tracker.addSocket(socket);
    socket.on('error', () => socket.destroy());
    const original = this.options.originalDestination?.(socket);
    const tcp = this.options.tcpDestination(original);
    // Without a TCP destination, a silent connection is a slowloris: it gets the headers timeout.
    const kind = await sniff(socket, this.options.clock, tcp ? serverFirstWaitMs : this.options.limits.headersTimeoutMs);
    if (kind === 'http1') return this.http1.accept(socket, original);
    if (kind === 'http2') return this.http2.accept(socket, original);
    if (kind === undefined) return void socket.destroy();
    this.options.onNonHttp?.(original);
    if (!tcp) {
      this.options.log.debug({ listener: this.options.name }, 'non-HTTP connection without a TCP destination: closed');
      return void socket.destroy();
    }
    const done = this.tracker.begin();
    await tunnel(socket, tcp, this.options.clock).finally(done);
  }
}
