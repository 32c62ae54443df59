/** A real TCP echo server on 127.0.0.1:0; it records every byte it received. */
import { createServer, type AddressInfo, type Socket } from 'node:net';

export interface TcpEcho {
  port: number;
  received: () => Buffer;
  /** Connections currently open. */
  open: () => number;
  close(): Promise<void>;
}

export async function startTcpEcho(options: { greeting?: string } = {}): Promise<TcpEcho> {
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (options.greeting) socket.write(options.greeting);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received: () => Buffer.concat(chunks),
    open: () => sockets.size,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
