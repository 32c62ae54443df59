import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { testConfig } from '../testing/config.js';
import { useHarness } from '../testing/harness.js';
import { settle } from '../testing/sockets.js';
import { startTcpEcho } from '../testing/tcp-echo.js';

const h = useHarness();

const tcpService = (port: number) => ({ name: 'db', namespace: 'default', ports: [{ port: 5432, protocol: 'tcp', endpoints: [{ address: '127.0.0.1', port }] }] });

function open(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
  });
}

function readAll(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => socket.once('end', () => resolve(Buffer.concat(chunks))));
}

describe('TCP pass-through', () => {
  it('passes non-HTTP bytes through byte for byte, both ways, half-close included', async () => {
    const echo = await h.own(startTcpEcho());
    const s = await h.sidecar(testConfig({ services: [tcpService(echo.port)] }));
    const socket = await open(s.addresses().outbound.port);
    // Starts with bytes that are not an HTTP method; 1 MiB of random data after.
    const data = Buffer.concat([Buffer.from([0x16, 0x03, 0x01]), randomBytes(1024 * 1024)]);
    const back = readAll(socket);
    socket.end(data);
    expect(Buffer.compare(await back, data)).toBe(0);
    expect(Buffer.compare(echo.received(), data)).toBe(0);
    expect(await settle(() => s.openConnections(), 0)).toBe(0);
  });

  it('a server-first protocol (the client waits for a greeting) passes once the client stays silent', async () => {
    const clock = new FakeClock();
    const echo = await h.own(startTcpEcho({ greeting: '220 ready\r\n' }));
    const s = await h.sidecar(testConfig({ services: [tcpService(echo.port)] }), { clock });
    const socket = await open(s.addresses().outbound.port);
    const greeting = new Promise<string>((resolve) => socket.once('data', (c: Buffer) => resolve(c.toString())));
    await settle(() => clock.pending(), 1);
    await clock.advance(1000);
    expect(await greeting).toBe('220 ready\r\n');
    socket.destroy();
  });

  it('non-HTTP bytes with no TCP destination in the config: the connection is closed, nothing forwarded', async () => {
    const s = await h.sidecar(testConfig());
    const socket = await open(s.addresses().outbound.port);
    const back = readAll(socket);
    socket.write(Buffer.from([0x16, 0x03, 0x01, 0, 0]));
    expect((await back).length).toBe(0);
    expect(await settle(() => s.openConnections(), 0)).toBe(0);
  });
});
