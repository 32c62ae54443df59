/**
 * Installs the interception rules with iptables-restore: detect the backend, read the nat table,
 * restore weft's chains over it. IPv6 gets the same rules when the pod has a global IPv6 address.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chooseBackend, type Saves } from './backend.js';
import { InitError, InitErrorCodes } from './errors.js';
import { restoreInput } from './rules.js';
import type { Backend, InterceptionSettings } from './settings.js';

export type Family = 'ipv4' | 'ipv6';

export interface ApplyResult {
  backend: Backend;
  reason: string;
  families: Family[];
}

interface Run {
  ok: boolean;
  stdout: string;
  message: string;
}

function run(command: string, args: string[], input?: string): Run {
  const r = spawnSync(command, args, { input, encoding: 'utf8' });
  if (r.error) return { ok: false, stdout: '', message: `${command}: ${r.error.message}` };
  const stderr = r.stderr.trim();
  return { ok: r.status === 0, stdout: r.stdout, message: `${command} exited ${r.status ?? r.signal}${stderr ? `: ${stderr}` : ''}` };
}

const tool = (family: Family, backend: Backend, what: 'save' | 'restore'): string => `${family === 'ipv4' ? 'iptables' : 'ip6tables'}-${backend}-${what}`;

function save(family: Family, backend: Backend): Run {
  return run(tool(family, backend, 'save'), ['-t', 'nat']);
}

/** True when the pod has a global IPv6 address (scope 00 in /proc/net/if_inet6). */
export function hasGlobalIpv6(ifInet6: string): boolean {
  return ifInet6.split('\n').some((line) => {
    const f = line.trim().split(/\s+/);
    return f.length >= 6 && f[3] === '00' && f[5] !== 'lo';
  });
}

function families(): Family[] {
  let text = '';
  try {
    text = readFileSync('/proc/net/if_inet6', 'utf8');
  } catch {
    // No IPv6 in this kernel or namespace.
  }
  return hasGlobalIpv6(text) ? ['ipv4', 'ipv6'] : ['ipv4'];
}

/** Detects the backend and installs the rules for every family the pod uses; throws InitError when none can. */
export function applyInterception(settings: InterceptionSettings): ApplyResult {
  const saves: Saves = { nft: undefined, legacy: undefined };
  for (const b of ['nft', 'legacy'] as const) {
    const r = save('ipv4', b);
    if (r.ok) saves[b] = r.stdout;
  }
  const choice = chooseBackend(settings.backend, saves);
  const wanted = families();
  const failures: string[] = [];
  for (const backend of choice.order) {
    const failure = applyWith(backend, settings, wanted);
    if (!failure) return { backend, reason: choice.reason, families: wanted };
    failures.push(`${backend}: ${failure}`);
  }
  const hint = failures.some((f) => /permission denied|not permitted/i.test(f))
    ? ' (weft-init runs as UID 0 with the NET_ADMIN and NET_RAW capabilities)'
    : '';
  throw new InitError(InitErrorCodes.APPLY_FAILED, `could not install the interception rules${hint}:\n  ${failures.join('\n  ')}`);
}

/** Installs the rules with one backend; returns what went wrong, or undefined. */
function applyWith(backend: Backend, settings: InterceptionSettings, wanted: Family[]): string | undefined {
  for (const family of wanted) {
    const current = save(family, backend);
    if (!current.ok) return current.message;
    const restored = run(tool(family, backend, 'restore'), ['--noflush'], restoreInput(settings, current.stdout));
    if (!restored.ok) return restored.message;
  }
  return undefined;
}
