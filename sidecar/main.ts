#!/usr/bin/env node
/**
 * `weft-sidecar`: runs one sidecar. Static mode reads a YAML ProxyConfig (`--config file.yaml` or
 * WEFT_CONFIG), reloads it on change and keeps the previous config when a new one is invalid.
 * SIGTERM / SIGINT and admin POST /shutdown drain gracefully, then exit.
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../common/clock.js';
import { createLogger } from '../common/log.js';
import { startAdminServer, type AdminServer } from './admin/server.js';
import { FileConfigSource } from './config-source/file.js';
import { Sidecar } from './sidecar.js';

const usage = `usage: weft-sidecar --config <file.yaml>

  --config, -c   static ProxyConfig YAML (also WEFT_CONFIG); reloaded when the file changes
  --help, -h     this text

environment: WEFT_CONFIG (config file), WEFT_LOG_LEVEL (pino level, default info)`;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const path = values.config ?? process.env.WEFT_CONFIG;
  if (!path) {
    console.error(`weft-sidecar: no config file given\n\n${usage}`);
    return 2;
  }
  const log = createLogger('weft-sidecar');
  const clock = systemClock;
  const source = new FileConfigSource({ path, clock, log: log.child({ component: 'config-file' }) });
  let first;
  try {
    first = await source.start();
  } catch (err) {
    console.error(`weft-sidecar: ${(err as Error).message}`);
    return 1;
  }
  const sidecar = new Sidecar({ clock, log, processMetrics: true });
  sidecar.applyConfig(first, 'file');
  source.onConfig((config) => sidecar.applyConfig(config, 'file'));
  source.onError(() => sidecar.observability.rejectConfig('file'));

  let admin: AdminServer | undefined;
  let exiting: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> =>
    (exiting ??= (async () => {
      log.info({ reason }, 'shutting down');
      source.stop();
      await sidecar.drain();
      await admin?.close();
      process.exit(0);
    })());

  try {
    await sidecar.listen(first.listeners, first.limits);
    admin = await startAdminServer({
      target: {
        currentConfig: () => sidecar.configInfo(),
        isDraining: () => sidecar.isDraining(),
        shutdown: () => shutdown('admin /shutdown'),
        registry: sidecar.observability.metrics.registry,
      },
      listen: first.listeners.admin,
      clock,
      log: log.child({ component: 'admin' }),
    });
  } catch (err) {
    console.error(`weft-sidecar: cannot listen: ${(err as Error).message}`);
    source.stop();
    await sidecar.stop();
    return 1;
  }
  const { outbound, inbound } = sidecar.addresses();
  log.info({ outbound: outbound.port, inbound: inbound.port, admin: admin.port, version: first.version }, 'weft-sidecar ready');
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
