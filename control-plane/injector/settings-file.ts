/**
 * The injector's settings as a JSON document (the chart renders it into a ConfigMap the control
 * plane reads, and `weftctl inject --settings` reads the same file). Fields left out keep the
 * defaults; unknown fields and wrong types are refused, naming the field.
 */
import { ConfigError } from '../../common/errors.js';
import { parseQuantity } from './quantity.js';
import { defaultInjectorSettings, type InjectorSettings } from './settings.js';

const pullPolicies = ['Always', 'IfNotPresent', 'Never'];

export function parseInjectorSettings(doc: unknown): InjectorSettings {
  const obj = record(doc, '');
  const d = defaultInjectorSettings;
  only(obj, '', ['image', 'imagePullPolicy', 'controlPlaneAddress', 'controlPlaneNamespace', 'tokenAudience', 'tokenExpirationSeconds', 'logLevel', 'resources', 'iptables']);
  const res = record(obj.resources ?? {}, 'resources');
  only(res, 'resources', ['requests', 'limits']);
  const req = record(res.requests ?? {}, 'resources.requests');
  const lim = record(res.limits ?? {}, 'resources.limits');
  only(req, 'resources.requests', ['cpu', 'memory']);
  only(lim, 'resources.limits', ['cpu', 'memory']);
  const limitsGiven = res.limits !== undefined;
  const s: InjectorSettings = {
    image: str(obj, 'image', d.image),
    imagePullPolicy: oneOf(obj, 'imagePullPolicy', pullPolicies, d.imagePullPolicy) as InjectorSettings['imagePullPolicy'],
    controlPlaneAddress: str(obj, 'controlPlaneAddress', d.controlPlaneAddress),
    controlPlaneNamespace: str(obj, 'controlPlaneNamespace', d.controlPlaneNamespace),
    tokenAudience: str(obj, 'tokenAudience', d.tokenAudience),
    tokenExpirationSeconds: int(obj, 'tokenExpirationSeconds', d.tokenExpirationSeconds, 600),
    logLevel: oneOf(obj, 'logLevel', ['trace', 'debug', 'info', 'warn', 'error', 'fatal'], d.logLevel),
    resources: {
      requests: { cpu: quantity(req, 'resources.requests.cpu', d.resources.requests.cpu)!, memory: quantity(req, 'resources.requests.memory', d.resources.requests.memory)! },
      // Limits given replace the defaults as a whole, so a limit can be removed by leaving it out.
      limits: {
        cpu: quantity(lim, 'resources.limits.cpu', limitsGiven ? undefined : d.resources.limits.cpu),
        memory: quantity(lim, 'resources.limits.memory', limitsGiven ? undefined : d.resources.limits.memory),
      },
    },
  };
  if (obj.iptables !== undefined) s.iptables = oneOf(obj, 'iptables', ['legacy', 'nft'], '') as 'legacy' | 'nft';
  // Caught here, at start, rather than as a refusal of every meshed pod that blames an annotation.
  for (const resource of ['cpu', 'memory'] as const) {
    const request = s.resources.requests[resource];
    const limit = s.resources.limits[resource];
    if (limit !== undefined && parseQuantity(request)! > parseQuantity(limit)!) {
      throw new ConfigError(`resources.requests.${resource}`, `${request} is above the limit ${limit} (resources.limits.${resource})`);
    }
  }
  return s;
}

function record(v: unknown, path: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(path, 'must be an object');
  return v as Record<string, unknown>;
}

function only(obj: Record<string, unknown>, path: string, keys: string[]): void {
  for (const k of Object.keys(obj)) if (!keys.includes(k)) throw new ConfigError(path ? `${path}.${k}` : k, `unknown field (expected one of ${keys.join(', ')})`);
}

function str(obj: Record<string, unknown>, key: string, fallback: string): string {
  const v = obj[key] ?? fallback;
  if (typeof v !== 'string' || v === '') throw new ConfigError(key, 'must be a non-empty string');
  return v;
}

function oneOf(obj: Record<string, unknown>, key: string, values: string[], fallback: string): string {
  const v = str(obj, key, fallback);
  if (!values.includes(v)) throw new ConfigError(key, `"${v}" is not one of ${values.join(', ')}`);
  return v;
}

function int(obj: Record<string, unknown>, key: string, fallback: number, min: number): number {
  const v = obj[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ConfigError(key, `must be an integer of at least ${min}`);
  return v;
}

function quantity(obj: Record<string, unknown>, path: string, fallback: string | undefined): string | undefined {
  const key = path.split('.').pop()!;
  const raw = obj[key] ?? fallback;
  if (raw === undefined) return undefined;
  // YAML and Helm values write `cpu: 1` as a number; Kubernetes takes both.
  const v = typeof raw === 'number' ? String(raw) : raw;
  if (typeof v !== 'string' || parseQuantity(v) === undefined) throw new ConfigError(path, `${JSON.stringify(raw)} is not a resource quantity (e.g. 100m, 128Mi)`);
  return v;
}
