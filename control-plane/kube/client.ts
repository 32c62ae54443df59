/**
 * Raw Kubernetes API calls through @kubernetes/client-node's config, auth and TLS (in-cluster
 * token, kubeconfig, exec plugins, client certificates), without its Watch/informer classes,
 * whose failure modes we avoid (docs/decisions/0502).
 */
import { IsomorphicFetchHttpLibrary, KubeConfig, RequestContext, type HttpMethod } from '@kubernetes/client-node';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

export interface KubeResponse<T = unknown> {
  status: number;
  body: T;
}

export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export interface KubeClient {
  request<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, opts?: { query?: Record<string, string>; body?: unknown; contentType?: string }): Promise<KubeResponse<T>>;
  /** Opens a streaming GET; yields lines until the server closes or `signal` aborts. Throws KubeApiError on a non-200 answer. */
  stream(path: string, query: Record<string, string>, signal: AbortSignal): Promise<AsyncIterable<string>>;
}

const http = new IsomorphicFetchHttpLibrary();

export class ClientNodeKube implements KubeClient {
  constructor(private readonly kc: KubeConfig) {}

  /** In-cluster when running in a pod (service account), else the kubeconfig ($KUBECONFIG or ~/.kube/config), or an explicit file. */
  static load(kubeconfig?: string): ClientNodeKube {
    const kc = new KubeConfig();
    if (kubeconfig) kc.loadFromFile(kubeconfig);
    else kc.loadFromDefault();
    return new ClientNodeKube(kc);
  }

  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? '';
  }

  async request<T>(method: string, path: string, opts: { query?: Record<string, string>; body?: unknown; contentType?: string } = {}): Promise<KubeResponse<T>> {
    const ctx = await this.context(method, path, opts.query);
    if (opts.body !== undefined) {
      ctx.setHeaderParam('Content-Type', opts.contentType ?? 'application/json');
      ctx.setBody(JSON.stringify(opts.body));
    }
    const res = await http.send(ctx).toPromise();
    const text = await res.body.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (proxies, HTML error pages): keep the text for the error message
    }
    if (res.httpStatusCode >= 400) throw apiError(res.httpStatusCode, body);
    return { status: res.httpStatusCode, body: body as T };
  }

  async stream(path: string, query: Record<string, string>, signal: AbortSignal): Promise<AsyncIterable<string>> {
    const ctx = await this.context('GET', path, query);
    ctx.setSignal(signal);
    const res = await http.send(ctx).toPromise();
    if (res.httpStatusCode !== 200) {
      const text = await res.body.text().catch(() => '');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep text
      }
      throw apiError(res.httpStatusCode, body);
    }
    const web = res.body.stream() as unknown as WebReadableStream<Uint8Array>;
    const body = Readable.fromWeb(web);
    const lines = createInterface({ input: body, crlfDelay: Infinity });
    // readline only ends on the input's 'end'; an aborted (destroyed) body must close it explicitly.
    const close = (): void => {
      lines.close();
      body.destroy();
    };
    if (signal.aborted) close();
    signal.addEventListener('abort', close, { once: true });
    body.on('error', close);
    body.on('close', () => lines.close());
    return lines;
  }

  private async context(method: string, path: string, query?: Record<string, string>): Promise<RequestContext> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('no current cluster in the Kubernetes config');
    const url = new URL(cluster.server.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    const ctx = new RequestContext(url.toString(), method as HttpMethod);
    await this.kc.applySecurityAuthentication(ctx);
    return ctx;
  }
}

function apiError(status: number, body: unknown): KubeApiError {
  const b = body as { message?: string; reason?: string } | string | undefined;
  const message = typeof b === 'object' && b?.message ? b.message : typeof b === 'string' && b ? b.slice(0, 200) : `HTTP ${status}`;
  return new KubeApiError(status, message, typeof b === 'object' ? b?.reason : undefined);
}
