/** Socket counting for leak checks: TCP handles alive in this process, and waiting for them to go. */
import { createServer, type AddressInfo } from 'node:net';

/** TCP socket and server handles currently alive in this process. */
export function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPWRAP').length;
}

/** Polls `read` until it returns `want` (sockets close asynchronously), up to `timeoutMs`; returns the last value. */
export async function settle(read: () => number, want: number, timeoutMs = 5_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  let value = read();
  while (value !== want && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
    value = read();
  }
  return value;
}

/** A loopback port with nothing listening on it (bound, then closed), for connect failures. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
