#!/usr/bin/env -S node --max-semi-space-size=4
/**
 * `weft-sidecar`: runs one sidecar. Static mode reads a YAML ProxyConfig (`--config file.yaml` or
 * WEFT_CONFIG), reloads it on change and keeps the previous config when a new one is invalid.
 * Cluster mode (`--control-plane host:port` or WEFT_CONTROL_PLANE) listens on the standard ports
 * at once, reports ready after the first config pushed by the control plane, and follows its
 * updates. SIGTERM / SIGINT and admin POST /shutdown drain gracefully, then exit.
 *
 * The #! line holds the V8 heap flags, the one place they are set: the container image runs this
 * file, and the benchmark, the e2e suites and the demo read them from it (common/entry-flags.ts).
 * Young-generation semi-spaces of 4 MB rather than 16 keep the RSS under load down for a few
 * percent more CPU per request at maximum load (docs/decisions/0280).
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../common/clock.js';
import { defaultLimits, defaultPorts } from '../common/config/defaults.js';
import type { Listeners, ProtocolLimits, ProxyConfig } from '../common/config/types.js';
import type { WeftError } from '../common/errors.js';
import { createLogger, type Logger } from '../common/log.js';
import { startAdminServer, type AdminServer } from './admin/server.js';
import type { OriginalDestination } from './interception/original-destination.js';
import { keepRequestObjectsYoung } from './young-generation.js';
import { Sidecar } from './sidecar.js';

const usage = `usage: weft-sidecar --config <file.yaml>
       weft-sidecar --control-plane <host:port>

  --config, -c      static ProxyConfig YAML [WEFT_CONFIG]; reloaded when the file changes
  --control-plane   the control plane's config API [WEFT_CONTROL_PLANE]; identity from
                    POD_NAME, POD_NAMESPACE, POD_IP, SERVICE_ACCOUNT, WEFT_WORKLOAD, WEFT_LABELS
                    (k=v,...); listen addresses from WEFT_OUTBOUND, WEFT_INBOUND, WEFT_ADMIN
  --help, -h        this text

environment: WEFT_LOG_LEVEL (pino level, default info)
             WEFT_INTERCEPTION=iptables: the pod's traffic is redirected by weft-init; outbound TCP
             and unknown HTTP hosts go to each connection's original destination, inbound
             connections to 127.0.0.1:<the port the caller dialled> (docs/interception.md)`;

/** Where configs come from, and the listeners to open before (cluster) or after (file) the first one. */
interface Source {
  listeners: Listeners;
  limits: ProtocolLimits;
  kind: 'file' | 'control-plane';
  stop(): Promise<void> | void;
}

/** What both config sources report: each accepted config, and each one refused (the previous one stays). */
interface ConfigEvents {
  onConfig(listener: (config: ProxyConfig) => void): void;
  onError(listener: (err: WeftError) => void): void;
}

/** Apply what `source` accepts and count what it refuses, so weft_config_reloads_total sees both for either source. */
function follow(source: ConfigEvents, sidecar: Sidecar, kind: Source['kind']): void {
  source.onConfig((config) => sidecar.applyConfig(config, kind));
  source.onError(() => sidecar.observability.rejectConfig(kind));
}

/** The file source and its YAML parser are loaded only in static mode; cluster mode does not read YAML. */
async function fileSource(path: string, sidecar: Sidecar, log: Logger): Promise<Source> {
  const { FileConfigSource } = await import('./config-source/file.js');
  const source = new FileConfigSource({ path, clock: systemClock, log: log.child({ component: 'config-file' }) });
  const first = await source.start();
  sidecar.applyConfig(first, 'file');
  follow(source, sidecar, 'file');
  return { listeners: first.listeners, limits: first.limits, kind: 'file', stop: () => source.stop() };
}

/**
 * The control-plane client and @grpc/grpc-js are loaded only in cluster mode: static mode does not
 * need them, and they are about 12 MB of the idle RSS (docs/decisions/0260).
 */
async function controlPlaneSource(address: string, sidecar: Sidecar, log: Logger): Promise<Source> {
  const { ControlPlaneSource, identityFrom } = await import('./config-source/control-plane.js');
  const env = process.env;
  const source = new ControlPlaneSource({
    address,
    identity: identityFrom({}, env),
    clock: systemClock,
    log: log.child({ component: 'config-client' }),
  });
  follow(source, sidecar, 'control-plane');
  source.start();
  // In a pod the kubelet and Prometheus reach the admin port from outside; /shutdown stays loopback-only.
  // WEFT_OUTBOUND / WEFT_INBOUND / WEFT_ADMIN (host:port) move them, e.g. to run several on one host.
  const listeners: Listeners = {
    outbound: listenAddress(env.WEFT_OUTBOUND, '127.0.0.1', defaultPorts.outbound),
    inbound: listenAddress(env.WEFT_INBOUND, '0.0.0.0', defaultPorts.inbound),
    admin: listenAddress(env.WEFT_ADMIN, '0.0.0.0', defaultPorts.admin),
  };
  return { listeners, limits: defaultLimits, kind: 'control-plane', stop: () => source.stop() };
}

/** WEFT_INTERCEPTION: unset, or `iptables` to read original destinations (the native addon, loaded only then). */
async function interception(value: string | undefined): Promise<OriginalDestination | undefined> {
  if (!value) return undefined;
  if (value !== 'iptables') throw new Error(`WEFT_INTERCEPTION must be "iptables" or unset, not "${value}"`);
  const { loadOriginalDestination } = await import('./interception/original-destination.js');
  return loadOriginalDestination();
}

function listenAddress(v: string | undefined, address: string, port: number): Listeners['outbound'] {
  if (!v) return { address, port };
  const i = v.lastIndexOf(':');
  return { address: v.slice(0, i) || address, port: Number(v.slice(i + 1)) };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' }, 'control-plane': { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  // Before any load: V8's pretenuring otherwise promotes most of every request (decision 0261).
  keepRequestObjectsYoung();
  const path = values.config ?? process.env.WEFT_CONFIG;
  const controlPlane = values['control-plane'] ?? process.env.WEFT_CONTROL_PLANE;
  if (!path === !controlPlane) {
    console.error(`weft-sidecar: give either a config file or a control plane address\n\n${usage}`);
    return 2;
  }
  let originalDestination: OriginalDestination | undefined;
  try {
    originalDestination = await interception(process.env.WEFT_INTERCEPTION);
  } catch (err) {
    console.error(`weft-sidecar: ${(err as Error).message}`);
    return 1;
  }
  const log = createLogger('weft-sidecar');
  const sidecar = new Sidecar({ clock: systemClock, log, processMetrics: true, originalDestination, ownAddresses: process.env.POD_IP ? [process.env.POD_IP] : [] });
  let source: Source;
  try {
    source = path ? await fileSource(path, sidecar, log) : await controlPlaneSource(controlPlane!, sidecar, log);
  } catch (err) {
    console.error(`weft-sidecar: ${(err as Error).message}`);
    return 1;
  }

  let admin: AdminServer | undefined;
  let exiting: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> =>
    (exiting ??= (async () => {
      log.info({ reason }, 'shutting down');
      await source.stop();
      await sidecar.drain();
      await admin?.close();
      process.exit(0);
    })());

  try {
    await sidecar.listen(source.listeners, source.limits);
    admin = await startAdminServer({
      target: {
        currentConfig: () => sidecar.configInfo(),
        endpointHealth: () => sidecar.endpointHealth(),
        isDraining: () => sidecar.isDraining(),
        shutdown: () => shutdown('admin /shutdown'),
        registry: sidecar.observability.metrics.registry,
      },
      listen: source.listeners.admin,
      clock: systemClock,
      log: log.child({ component: 'admin' }),
    });
  } catch (err) {
    console.error(`weft-sidecar: cannot listen: ${(err as Error).message}`);
    await source.stop();
    await sidecar.stop();
    return 1;
  }
  sidecar.addOwnListener({ address: source.listeners.admin.address, port: admin.port, family: '' });
  const { outbound, inbound } = sidecar.addresses();
  const ready = source.kind === 'file' ? 'weft-sidecar ready' : 'weft-sidecar listening, ready after the first config';
  log.info({ outbound: outbound.port, inbound: inbound.port, admin: admin.port, source: source.kind }, ready);
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    console.error('weft-sidecar: fatal', err);
    process.exit(1);
  },
);
