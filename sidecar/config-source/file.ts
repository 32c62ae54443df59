/**
 * The static config source: a YAML file validated by parseProxyConfig, watched and reloaded on
 * change. An invalid or missing file never replaces the config in use: the error (naming the field)
 * goes to onError and the log, and the previous config stays.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { Clock, TimerHandle } from '../../common/clock.js';
import { parseProxyConfig, type ProxyConfig } from '../../common/config/index.js';
import { ConfigError, ErrorCodes, WeftError } from '../../common/errors.js';
import type { Logger } from '../../common/log.js';

export interface FileConfigSourceOptions {
  path: string;
  clock: Clock;
  log: Logger;
  /** Quiet time after the last change before reloading, so a save in several writes loads once. */
  debounceMs?: number;
}

type ConfigListener = (config: ProxyConfig) => void;
type ErrorListener = (err: WeftError) => void;

export class FileConfigSource {
  private readonly path: string;
  private readonly debounceMs: number;
  private readonly configListeners: ConfigListener[] = [];
  private readonly errorListeners: ErrorListener[] = [];
  private config?: ProxyConfig;
  private applied = '';
  private lastError = '';
  private watcher?: FSWatcher;
  private timer?: TimerHandle;
  private reloads: Promise<void> = Promise.resolve();

  constructor(private readonly opts: FileConfigSourceOptions) {
    this.path = resolve(opts.path);
    this.debounceMs = opts.debounceMs ?? 100;
  }

  /** Called with every config loaded from the file, the first one included. */
  onConfig(listener: ConfigListener): void {
    this.configListeners.push(listener);
  }

  /** Called when a change could not be applied (invalid, unreadable or removed file). */
  onError(listener: ErrorListener): void {
    this.errorListeners.push(listener);
  }

  current(): ProxyConfig | undefined {
    return this.config;
  }

  /** Load the file and start watching it; rejects (and does not watch) when the first load fails. */
  async start(): Promise<ProxyConfig> {
    const config = parseText(await readText(this.path));
    this.apply(config);
    // Watch the directory, not the file: editors and ConfigMap updates replace the file by rename,
    // which ends a watch on the old inode.
    this.watcher = watch(dirname(this.path), (_event, name) => {
      if (name === null || name === basename(this.path) || name.startsWith('..')) this.schedule();
    });
    this.watcher.on('error', (err) => this.opts.log.warn({ err, file: this.path }, 'config file watch failed'));
    return config;
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }

  private schedule(): void {
    this.timer?.cancel();
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = undefined;
      this.reloads = this.reloads.then(() => this.reload());
    }, this.debounceMs);
  }

  private async reload(): Promise<void> {
    if (!this.watcher) return;
    try {
      this.apply(parseText(await readText(this.path)));
    } catch (err) {
      this.reject(err as WeftError);
    }
  }

  private apply(config: ProxyConfig): void {
    const text = JSON.stringify(config);
    this.lastError = '';
    if (text === this.applied) return;
    this.applied = text;
    this.config = config;
    this.opts.log.info({ file: this.path, version: config.version }, 'config file loaded');
    for (const l of this.configListeners) l(config);
  }

  private reject(err: WeftError): void {
    // A file that stays broken across several events is reported once.
    if (err.message === this.lastError) return;
    this.lastError = err.message;
    const field = err instanceof ConfigError ? err.path : undefined;
    this.opts.log.error({ file: this.path, code: err.code, field, error: err.message, keptVersion: this.config?.version }, 'config file rejected; keeping the previous config');
    for (const l of this.errorListeners) l(err);
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist (removed?)' : (err as Error).message;
    throw new WeftError(ErrorCodes.CONFIG_UNREADABLE, `config file ${path} ${reason}`, { cause: err });
  }
}

function parseText(text: string): ProxyConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const at = err.linePos?.[0];
      throw new ConfigError('', `YAML syntax error${at ? ` at line ${at.line}, column ${at.col}` : ''}: ${err.message.split('\n')[0]}`);
    }
    throw err;
  }
  return parseProxyConfig(doc);
}
