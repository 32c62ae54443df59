import { ConfigError } from '../errors.js';
import { parseDuration } from './duration.js';

/**
 * A cursor over untrusted input (parsed YAML/JSON or a decoded gRPC message) that knows the path
 * it is at, so every validation error names the field: `services[1].policy.retries.attempts`.
 * Unknown fields are errors too: a typo must not silently become a default.
 */
export class Reader {
  private readonly seen = new Set<string>();

  constructor(
    readonly value: Record<string, unknown>,
    readonly path: string,
  ) {}

  static root(input: unknown, path = ''): Reader {
    if (!isPlainObject(input)) throw new ConfigError(path, `expected a mapping, got ${describe(input)}`);
    return new Reader(input, path);
  }

  at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  has(key: string): boolean {
    this.seen.add(key);
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  raw(key: string): unknown {
    this.seen.add(key);
    return this.value[key];
  }

  object(key: string): Reader | undefined {
    if (!this.has(key)) return undefined;
    return Reader.root(this.value[key], this.at(key));
  }

  requiredObject(key: string): Reader {
    const r = this.object(key);
    if (!r) throw new ConfigError(this.at(key), 'is required');
    return r;
  }

  /** Each element of a list of mappings, or [] when absent. */
  list(key: string): Reader[] {
    return this.array(key).map((v, i) => Reader.root(v, `${this.at(key)}[${i}]`));
  }

  array(key: string): unknown[] {
    if (!this.has(key)) return [];
    const v = this.value[key];
    if (!Array.isArray(v)) throw new ConfigError(this.at(key), `expected a list, got ${describe(v)}`);
    return v;
  }

  stringList(key: string): string[] {
    return this.array(key).map((v, i) => {
      if (typeof v !== 'string' || v === '') throw new ConfigError(`${this.at(key)}[${i}]`, 'expected a non-empty string');
      return v;
    });
  }

  string(key: string, fallback?: string): string {
    if (!this.has(key)) {
      if (fallback === undefined) throw new ConfigError(this.at(key), 'is required');
      return fallback;
    }
    const v = this.value[key];
    if (typeof v !== 'string' || v === '') throw new ConfigError(this.at(key), `expected a non-empty string, got ${describe(v)}`);
    return v;
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
    const v = this.string(key, fallback);
    if (!(allowed as readonly string[]).includes(v)) {
      throw new ConfigError(this.at(key), `must be one of ${allowed.join(', ')}, got "${v}"`);
    }
    return v as T;
  }

  number(key: string, opts: { fallback?: number; min?: number; max?: number; integer?: boolean } = {}): number {
    if (!this.has(key)) {
      if (opts.fallback === undefined) throw new ConfigError(this.at(key), 'is required');
      return opts.fallback;
    }
    const v = this.value[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(this.at(key), `expected a number, got ${describe(v)}`);
    checkRange(this.at(key), v, opts);
    return v;
  }

  port(key: string, fallback?: number): number {
    return this.number(key, { fallback, min: 1, max: 65535, integer: true });
  }

  boolean(key: string, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const v = this.value[key];
    if (typeof v !== 'boolean') throw new ConfigError(this.at(key), `expected true or false, got ${describe(v)}`);
    return v;
  }

  /** A duration (`250ms`, `1s`, or milliseconds as a number), returned in milliseconds. */
  duration(key: string, fallback: number, opts: { max?: number } = {}): number {
    if (!this.has(key)) return fallback;
    const v = this.value[key];
    const ms = typeof v === 'string' || typeof v === 'number' ? parseDuration(v) : undefined;
    if (ms === undefined) throw new ConfigError(this.at(key), `expected a duration such as "250ms" or "2s", got ${describe(v)}`);
    checkRange(this.at(key), ms, { max: opts.max });
    return ms;
  }

  /** Call last: fails on any key that no accessor asked for. */
  done(): void {
    for (const key of Object.keys(this.value)) {
      if (!this.seen.has(key)) throw new ConfigError(this.at(key), 'unknown field');
    }
  }
}

function checkRange(path: string, v: number, opts: { min?: number; max?: number; integer?: boolean }): void {
  if (opts.integer && !Number.isInteger(v)) throw new ConfigError(path, `expected a whole number, got ${v}`);
  if (opts.min !== undefined && v < opts.min) throw new ConfigError(path, `must be at least ${opts.min}, got ${v}`);
  if (opts.max !== undefined && v > opts.max) throw new ConfigError(path, `must be at most ${opts.max}, got ${v}`);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}...` : v}"`;
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}
