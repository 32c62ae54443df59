#!/usr/bin/env node
/** `weft-control-plane`: flags and environment -> a running ControlPlane, with graceful shutdown on SIGTERM/SIGINT. */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../common/clock.js';
import { createLogger } from '../common/log.js';
import { ControlPlane } from './app.js';
import { parseInjectorSettings } from './injector/settings-file.js';
import { ClientNodeKube } from './kube/client.js';

const usage = `weft-control-plane: watches Kubernetes and pushes per-proxy config to weft sidecars over gRPC.

Options (environment variable in brackets):
  --kubeconfig PATH        out-of-cluster config [KUBECONFIG]; default: in-cluster service account, else ~/.kube/config
  --grpc-address H:P       config API listen address [WEFT_GRPC_ADDRESS] (default 0.0.0.0:15010)
  --admin-address H:P      /healthz /readyz /metrics listen address [WEFT_ADMIN_ADDRESS] (default 0.0.0.0:15014)
  --namespace NS           namespace of the leader Lease [POD_NAMESPACE] (default weft-system)
  --lease-name NAME        leader Lease name [WEFT_LEASE_NAME] (default weft-control-plane)
  --id ID                  this replica's identity [POD_NAME] (default: host name)
  --no-leader-election     always write status (single replica only)
  --cluster-domain D       [WEFT_CLUSTER_DOMAIN] (default cluster.local)
  --trust-domain D         SPIFFE trust domain [WEFT_TRUST_DOMAIN] (default cluster.local)
  --outbound-traffic-policy P  allow-any | registry-only: what sidecars do with destinations no
                           service names [WEFT_OUTBOUND_TRAFFIC_POLICY] (default registry-only)
  --debounce-quiet MS      push after this much quiet [WEFT_DEBOUNCE_QUIET_MS] (default 100)
  --debounce-max MS        push at most this long after a change [WEFT_DEBOUNCE_MAX_MS] (default 1000)
  --webhook-cert-dir DIR   serve the injection webhook with DIR/tls.crt and DIR/tls.key [WEFT_WEBHOOK_CERT_DIR];
                           without it there is no webhook
  --webhook-address H:P    the webhook's HTTPS listen address [WEFT_WEBHOOK_ADDRESS] (default 0.0.0.0:15017)
  --injector-settings F    JSON file of the injector's settings (image, resources, ...) [WEFT_INJECTOR_SETTINGS]
  --help`;

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    'grpc-address': { type: 'string' },
    'admin-address': { type: 'string' },
    namespace: { type: 'string' },
    'lease-name': { type: 'string' },
    id: { type: 'string' },
    'no-leader-election': { type: 'boolean' },
    'cluster-domain': { type: 'string' },
    'trust-domain': { type: 'string' },
    'outbound-traffic-policy': { type: 'string' },
    'debounce-quiet': { type: 'string' },
    'debounce-max': { type: 'string' },
    'webhook-cert-dir': { type: 'string' },
    'webhook-address': { type: 'string' },
    'injector-settings': { type: 'string' },
    help: { type: 'boolean' },
  },
});

if (values.help) {
  console.log(usage);
  process.exit(0);
}

function address(flag: string | undefined, env: string | undefined, fallback: string): { host: string; port: number } {
  const v = flag ?? env ?? fallback;
  const i = v.lastIndexOf(':');
  const port = Number(v.slice(i + 1));
  if (i < 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`invalid address "${v}" (expected host:port)`);
    process.exit(2);
  }
  return { host: v.slice(0, i).replace(/^\[|\]$/g, ''), port };
}

const env = process.env;
const outboundTrafficPolicy = values['outbound-traffic-policy'] ?? env.WEFT_OUTBOUND_TRAFFIC_POLICY ?? 'registry-only';
if (outboundTrafficPolicy !== 'allow-any' && outboundTrafficPolicy !== 'registry-only') {
  console.error(`invalid outbound traffic policy "${outboundTrafficPolicy}" (expected allow-any or registry-only)`);
  process.exit(2);
}
const log = createLogger('weft-control-plane');
const client = ClientNodeKube.load(values.kubeconfig ?? undefined);
const namespace = values.namespace ?? env.POD_NAMESPACE ?? 'weft-system';
const identity = values.id ?? env.POD_NAME ?? hostname();
const clusterDomain = values['cluster-domain'] ?? env.WEFT_CLUSTER_DOMAIN ?? 'cluster.local';

const certDir = values['webhook-cert-dir'] ?? env.WEFT_WEBHOOK_CERT_DIR;
const settingsFile = values['injector-settings'] ?? env.WEFT_INJECTOR_SETTINGS;
let webhook: ConstructorParameters<typeof ControlPlane>[0]['webhook'];
if (certDir) {
  try {
    const settings = parseInjectorSettings(settingsFile ? JSON.parse(readFileSync(settingsFile, 'utf8')) : {});
    webhook = { ...address(values['webhook-address'], env.WEFT_WEBHOOK_ADDRESS, '0.0.0.0:15017'), certFile: join(certDir, 'tls.crt'), keyFile: join(certDir, 'tls.key'), settings };
  } catch (err) {
    console.error(`invalid injector settings${settingsFile ? ` in ${settingsFile}` : ''}: ${(err as Error).message}`);
    process.exit(2);
  }
}

const cp = new ControlPlane({
  client,
  clock: systemClock,
  log,
  grpc: address(values['grpc-address'], env.WEFT_GRPC_ADDRESS, '0.0.0.0:15010'),
  admin: address(values['admin-address'], env.WEFT_ADMIN_ADDRESS, '0.0.0.0:15014'),
  translator: { clusterDomain, trustDomain: values['trust-domain'] ?? env.WEFT_TRUST_DOMAIN ?? clusterDomain, outboundTrafficPolicy },
  lease: values['no-leader-election'] ? undefined : { namespace, name: values['lease-name'] ?? env.WEFT_LEASE_NAME ?? 'weft-control-plane', identity },
  debounce: {
    quietMs: Number(values['debounce-quiet'] ?? env.WEFT_DEBOUNCE_QUIET_MS ?? 100),
    maxMs: Number(values['debounce-max'] ?? env.WEFT_DEBOUNCE_MAX_MS ?? 1000),
  },
  webhook,
});

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await cp.stop().catch((err: unknown) => log.error({ err }, 'error while stopping'));
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

log.info({ server: client.server, identity, namespace }, 'starting');
cp.start().catch((err: unknown) => {
  log.fatal({ err }, 'control plane failed to start');
  process.exit(1);
});
