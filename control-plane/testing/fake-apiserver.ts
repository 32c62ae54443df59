/**
 * A real HTTP server on loopback that speaks enough of the Kubernetes list/watch protocol to test
 * watchers against: resourceVersions, replay from a version, 410 after compaction, bookmarks,
 * injected errors, silence and server-side closes. Also takes status patches and Leases.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { ClientNodeKube } from '../kube/client.js';
import { namespacedKey } from '../../common/keys.js';

interface Stored {
  metadata: { name: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
}
interface HistoryEntry {
  rv: number;
  path: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: Stored;
}
interface OpenWatch {
  path: string;
  res: ServerResponse;
}

export class FakeApiServer {
  private readonly server: Server;
  private rv = 100;
  private compactedBefore = 0;
  private readonly objects = new Map<string, Map<string, Stored>>();
  private readonly history: HistoryEntry[] = [];
  private readonly watches = new Set<OpenWatch>();
  private readonly failures = new Map<string, number[]>();
  /** Every request, for assertions: method, path and query. */
  readonly requests: { method: string; path: string; query: Record<string, string> }[] = [];
  /** Bodies of PATCH/PUT/POST requests by path. */
  readonly writes: { method: string; path: string; body: unknown }[] = [];
  /** API groups served for discovery (`/apis/<group>/<version>` -> resource plurals). */
  readonly discovery = new Map<string, string[]>();
  port = 0;

  constructor() {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stop answering (as a restarting kube-apiserver does) while keeping the stored state; `resume` listens again on the same port. */
  async pause(): Promise<{ resume: () => Promise<void> }> {
    const port = this.port;
    await this.stop();
    return { resume: () => new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve)) };
  }

  async stop(): Promise<void> {
    this.closeWatches();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A client-node backed KubeClient pointed at this server. */
  client(): ClientNodeKube {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'fake', server: `http://127.0.0.1:${this.port}`, skipTLSVerify: true }],
      users: [{ name: 'fake' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }],
      currentContext: 'fake',
    });
    return new ClientNodeKube(kc);
  }

  get openWatches(): number {
    return this.watches.size;
  }

  watchRequests(path: string): Record<string, string>[] {
    return this.requests.filter((r) => r.path === path && r.query.watch === 'true').map((r) => r.query);
  }

  upsert(path: string, obj: Stored): void {
    const m = this.collection(path);
    const key = keyOf(obj);
    const type = m.has(key) ? 'MODIFIED' : 'ADDED';
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
    m.set(key, stored);
    this.emit({ rv: this.rv, path, type, obj: stored });
  }

  remove(path: string, namespace: string | undefined, name: string): void {
    const m = this.collection(path);
    const key = namespacedKey(namespace, name);
    const old = m.get(key);
    if (!old) return;
    m.delete(key);
    const obj = { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.rv) } };
    this.emit({ rv: this.rv, path, type: 'DELETED', obj });
  }

  /** Drop history: watches from older versions get 410 Gone (as after etcd compaction). */
  compact(): void {
    this.compactedBefore = this.rv + 1;
    this.history.length = 0;
  }

  bookmark(): void {
    for (const w of this.watches) w.res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(this.rv) } } })}\n`);
  }

  /** Send an ERROR event with `code` on every open watch of `path`. */
  errorWatches(path: string, code: number): void {
    for (const w of this.watches) if (w.path === path) w.res.write(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code, message: `injected ${code}` } })}\n`);
  }

  closeWatches(): void {
    for (const w of this.watches) w.res.end();
    this.watches.clear();
  }

  /** The next `statuses.length` requests to `path` (list or watch) fail with these HTTP statuses. */
  failNext(path: string, ...statuses: number[]): void {
    this.failures.set(path, [...(this.failures.get(path) ?? []), ...statuses]);
  }

  get(path: string, key: string): Stored | undefined {
    return this.objects.get(path)?.get(key);
  }

  private collection(path: string): Map<string, Stored> {
    let m = this.objects.get(path);
    if (!m) this.objects.set(path, (m = new Map()));
    return m;
  }

  private emit(e: HistoryEntry): void {
    this.history.push(e);
    for (const w of this.watches) if (w.path === e.path) w.res.write(`${JSON.stringify({ type: e.type, object: e.obj })}\n`);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query });
    const failing = this.failures.get(url.pathname);
    if (failing?.length) {
      const status = failing.shift() as number;
      return json(res, status, { kind: 'Status', code: status, message: `injected ${status}` });
    }
    if (req.method !== 'GET') return this.write(req, res, url.pathname);
    const served = this.discovery.get(url.pathname);
    if (served) return json(res, 200, { resources: served.map((name) => ({ name })) });
    if (query.watch === 'true') return this.watch(url.pathname, query, res);
    if (/\/namespaces\/[^/]+\/[^/]+\/[^/]+$/.test(url.pathname)) {
      const found = this.findByPath(url.pathname);
      return found ? json(res, 200, found.obj) : json(res, 404, { kind: 'Status', code: 404, reason: 'NotFound', message: `${url.pathname} not found` });
    }
    const items = [...this.collection(url.pathname).values()];
    json(res, 200, { kind: 'List', items, metadata: { resourceVersion: String(this.rv) } });
  }

  private watch(path: string, query: Record<string, string>, res: ServerResponse): void {
    const from = Number(query.resourceVersion ?? 0);
    if (from && from < this.compactedBefore - 1) return json(res, 410, { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' });
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    for (const e of this.history) if (e.path === path && e.rv > from) res.write(`${JSON.stringify({ type: e.type, object: e.obj })}\n`);
    const w = { path, res };
    this.watches.add(w);
    res.on('close', () => this.watches.delete(w));
  }

  private write(req: IncomingMessage, res: ServerResponse, path: string): void {
    let data = '';
    req.on('data', (c: Buffer) => (data += c));
    req.on('end', () => {
      const body = data ? JSON.parse(data) : undefined;
      this.writes.push({ method: req.method ?? '', path, body });
      const existing = this.findByPath(path);
      if (req.method === 'POST') {
        const collection = path.replace(/\/namespaces\/[^/]+\/([^/]+)$/, '/$1');
        if (this.collection(collection).has(keyOf(body))) return json(res, 409, { kind: 'Status', code: 409, reason: 'AlreadyExists', message: 'already exists' });
        const obj = { ...body, metadata: { ...body.metadata, resourceVersion: String(++this.rv) } };
        this.collection(collection).set(keyOf(obj), obj);
        return json(res, 201, obj);
      }
      if (!existing) return json(res, 404, { kind: 'Status', code: 404, reason: 'NotFound', message: `${path} not found` });
      if (req.method === 'PUT' && body?.metadata?.resourceVersion && body.metadata.resourceVersion !== existing.obj.metadata.resourceVersion) {
        return json(res, 409, { kind: 'Status', code: 409, reason: 'Conflict', message: 'the object has been modified' });
      }
      const merged = req.method === 'PUT' ? body : { ...existing.obj, ...body, metadata: existing.obj.metadata };
      const updated = { ...merged, metadata: { ...merged.metadata, resourceVersion: String(++this.rv) } };
      existing.map.set(existing.key, updated);
      json(res, 200, updated);
    });
  }

  /** `<prefix>/namespaces/<ns>/<plural>/<name>[/status]` -> the object stored in collection `<prefix>/<plural>`. */
  private findByPath(path: string): { map: Map<string, Stored>; key: string; obj: Stored } | undefined {
    const m = /^(.*)\/namespaces\/([^/]+)\/([^/]+)\/([^/]+?)(\/status)?$/.exec(path);
    if (!m) return undefined;
    const map = this.collection(`${m[1]}/${m[3]}`);
    const key = namespacedKey(m[2], m[4]!);
    const obj = map.get(key);
    return obj && { map, key, obj };
  }
}

function keyOf(o: Stored): string {
  return namespacedKey(o.metadata.namespace, o.metadata.name);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
