import { describe, expect, it } from 'vitest';
import { parseProxyConfig } from '../../common/config/index.js';
import { parse } from 'yaml';
import { haproxyConfig } from './haproxy.js';
import { nginxProxyConfig, nginxUpstreamConfig } from './nginx.js';
import { BENCH_SERVICE, weftConfigDocument, weftConfigYaml } from './weft.js';

const hop = { listenPort: 1001, upstreamPort: 1002, grpc: { listenPort: 1003, upstreamPort: 1004 } };

describe('nginx configs', () => {
  it('serves the static file on loopback with one worker, in the foreground, writing only under its dir', () => {
    const conf = nginxUpstreamConfig({ dir: '/tmp/w', asRoot: false, port: 4000, root: '/tmp/w/www' });
    expect(conf).toContain('listen 127.0.0.1:4000');
    expect(conf).toContain('root /tmp/w/www;');
    expect(conf).toContain('worker_processes 1;');
    expect(conf).toContain('daemon off;');
    expect(conf).toContain('pid /tmp/w/nginx.pid;');
    expect(conf).toContain('proxy_temp_path /tmp/w/proxy_temp;');
    expect(conf).not.toContain('user root');
    expect(nginxUpstreamConfig({ dir: '/d', asRoot: true, port: 1, root: '/r' })).toContain('user root root;');
  });

  it('proxies HTTP/1.1 with upstream keep-alive and gRPC over h2c', () => {
    const conf = nginxProxyConfig({ ...hop, dir: '/tmp/p', asRoot: false });
    expect(conf).toContain('listen 127.0.0.1:1001');
    expect(conf).toMatch(/upstream http_next \{ server 127\.0\.0\.1:1002; keepalive \d+/);
    expect(conf).toContain('proxy_http_version 1.1;');
    expect(conf).toContain('proxy_set_header Connection "";');
    expect(conf).toContain('listen 127.0.0.1:1003 http2;');
    expect(conf).toContain('server 127.0.0.1:1004');
    expect(conf).toContain('grpc_pass grpc://grpc_next;');
    expect(conf).toContain('access_log off;');
  });

  it('leaves the gRPC server out when there is no gRPC hop', () => {
    expect(nginxProxyConfig({ listenPort: 1, upstreamPort: 2, dir: '/d', asRoot: false })).not.toContain('grpc');
  });
});

describe('haproxy config', () => {
  it('runs one thread, keeps server connections alive and speaks h2 for gRPC on both sides', () => {
    const conf = haproxyConfig(hop);
    expect(conf).toContain('nbthread 1');
    expect(conf).toContain('http-reuse always');
    expect(conf).toContain('bind 127.0.0.1:1001\n');
    expect(conf).toContain('server next 127.0.0.1:1002\n');
    expect(conf).toContain('bind 127.0.0.1:1003 proto h2');
    expect(conf).toContain('server next 127.0.0.1:1004 proto h2');
  });

  it('stays within the usual 20000 open files (maxconn needs two per connection)', () => {
    const maxconn = Number(/maxconn (\d+)/.exec(haproxyConfig(hop))?.[1]);
    expect(maxconn * 2).toBeLessThan(20_000);
  });
});

describe('weft sidecar config', () => {
  const ports = { outbound: 2001, inbound: 2002, admin: 2003 };

  it('is a valid ProxyConfig routing the bench service to its endpoint (client side)', () => {
    const config = parseProxyConfig(parse(weftConfigYaml({ name: 'c', ports, endpoint: { port: 3000 }, grpcEndpoint: { port: 3001 } })));
    expect(config.listeners.outbound).toEqual({ address: '127.0.0.1', port: 2001 });
    const service = config.services[0];
    expect(service?.name).toBe(BENCH_SERVICE.name);
    expect(service?.ports.map((p) => [p.port, p.protocol, p.endpoints[0]?.port])).toEqual([
      [BENCH_SERVICE.port, 'http', 3000],
      [BENCH_SERVICE.grpcPort, 'grpc', 3001],
    ]);
    expect(config.inbound).toEqual([]);
    expect(config.accessLog.enabled).toBe(false);
  });

  it('delivers inbound traffic to the local app ports (server side)', () => {
    const config = parseProxyConfig(weftConfigDocument({ name: 's', ports, app: { httpPort: 4000, grpcPort: 4001 } }));
    expect(config.inbound.map((i) => [i.port, i.appPort, i.protocol])).toEqual([
      [BENCH_SERVICE.port, 4000, 'http'],
      [BENCH_SERVICE.grpcPort, 4001, 'grpc'],
    ]);
    expect(config.services).toEqual([]);
  });
});
