/**
 * nginx configs for the benchmark: the upstream (a static 1 KiB file) and a proxy hop (HTTP/1.1
 * with upstream keep-alive, plus a gRPC hop over h2c). One worker, no access log, like the peers.
 */
export interface NginxCommon {
  /** Directory for the pid file, logs and temp paths (nginx writes there). */
  dir: string;
  /** Run workers as root when the harness itself is root (the temp dir is private to root). */
  asRoot: boolean;
}

function header(c: NginxCommon): string {
  return [
    ...(c.asRoot ? ['user root root;'] : []),
    'worker_processes 1;',
    'daemon off;',
    `pid ${c.dir}/nginx.pid;`,
    `error_log ${c.dir}/error.log warn;`,
    'events { worker_connections 8192; multi_accept on; }',
  ].join('\n');
}

function httpCommon(c: NginxCommon): string {
  return [
    'access_log off;',
    'keepalive_requests 1000000;',
    'keepalive_timeout 120s;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${c.dir}/${t}_temp;`),
  ]
    .map((l) => `  ${l}`)
    .join('\n');
}

/** The upstream every scenario ends at: GET / answers 200 with the 1 KiB file at `root`/index.html. */
export function nginxUpstreamConfig(c: NginxCommon & { port: number; root: string }): string {
  return `${header(c)}
http {
${httpCommon(c)}
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${c.port} backlog=4096;
    root ${c.root};
    location / { index index.html; }
  }
}
`;
}

export interface ProxyHop {
  /** HTTP/1.1 listener and where it forwards. */
  listenPort: number;
  upstreamPort: number;
  /** Optional gRPC (h2c) listener and where it forwards. */
  grpc?: { listenPort: number; upstreamPort: number };
}

/** One proxy hop: HTTP/1.1 in, keep-alive HTTP/1.1 out; gRPC over h2c in and out. */
export function nginxProxyConfig(c: NginxCommon & ProxyHop): string {
  const grpc = c.grpc
    ? `
  upstream grpc_next { server 127.0.0.1:${c.grpc.upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${c.grpc.listenPort} http2;
    location / { grpc_pass grpc://grpc_next; }
  }`
    : '';
  return `${header(c)}
http {
${httpCommon(c)}
  upstream http_next { server 127.0.0.1:${c.upstreamPort}; keepalive 64; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:${c.listenPort} backlog=4096;
    location / {
      proxy_pass http://http_next;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
    }
  }${grpc}
}
`;
}
