import { describe, expect, it } from 'vitest';
import { httpService, testConfig } from '../testing/config.js';
import { useHarness } from '../testing/harness.js';
import { settle } from '../testing/sockets.js';
import { startWsEcho, wsConnect } from '../testing/ws-echo.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const h = useHarness();

describe('WebSocket upgrades', () => {
  it('echo through an outbound -> inbound sidecar pair, text and binary, then every socket is closed', async () => {
    const echo = await h.own(startWsEcho());
    const server = await h.sidecar(testConfig({ inbound: [{ port: 8080, appPort: echo.port }] }));
    const client = await h.sidecar(testConfig({ services: [httpService('chat', [server.addresses().inbound.port])] }));
    const { ws, next } = await wsConnect(client.addresses().outbound.port, 'chat');
    expect((await next()).toString()).toBe('hello chat');
    ws.send('ping');
    expect((await next()).toString()).toBe('ping');
    const binary = Buffer.from([0, 1, 2, 255, 254]);
    ws.send(binary);
    expect(Buffer.compare(await next(), binary)).toBe(0);
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close();
    });
    expect(await settle(() => client.openConnections() + server.openConnections(), 0)).toBe(0);
  });

  it('an upstream that refuses the upgrade: its answer reaches the client, and the connection closes', async () => {
    const refusing = createServer();
    refusing.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 5\r\n\r\nnope\n'));
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    h.defer(() => new Promise((resolve) => refusing.close(resolve)));
    const s = await h.sidecar(testConfig({ services: [httpService('plain', [(refusing.address() as AddressInfo).port])] }));
    await expect(wsConnect(s.addresses().outbound.port, 'plain')).rejects.toThrow('unexpected response 403');
    expect(await settle(() => s.openConnections(), 0)).toBe(0);
  });
});
