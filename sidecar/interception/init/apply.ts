/**
 * Installs the interception rules with iptables-restore: detect the backend, read the nat table,
 * restore weft's chains over it. IPv4 only: the sidecar's outbound listener is on 127.0.0.1, so a
 * redirected IPv6 connection would find nothing on [::1]:15001 (docs/interception.md).
 */
import { spawnSync } from 'node:child_process';
import { chooseBackend, type Saves } from './backend.js';
import { InitError, InitErrorCodes } from './errors.js';
import { restoreInput } from './rules.js';
import type { Backend, InterceptionSettings } from './settings.js';

export interface ApplyResult {
  backend: Backend;
  reason: string;
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

function save(backend: Backend): Run {
  return run(`iptables-${backend}-save`, ['-t', 'nat']);
}

/** Detects the backend and installs the rules; throws InitError when no backend can. */
export function applyInterception(settings: InterceptionSettings): ApplyResult {
  const saves: Saves = { nft: undefined, legacy: undefined };
  for (const b of ['nft', 'legacy'] as const) {
    const r = save(b);
    if (r.ok) saves[b] = r.stdout;
  }
  const choice = chooseBackend(settings.backend, saves);
  const failures: string[] = [];
  for (const backend of choice.order) {
    const failure = applyWith(backend, settings);
    if (!failure) return { backend, reason: choice.reason };
    failures.push(`${backend}: ${failure}`);
  }
  const hint = failures.some((f) => /permission denied|not permitted/i.test(f))
    ? ' (weft-init runs as UID 0 with the NET_ADMIN and NET_RAW capabilities)'
    : '';
  throw new InitError(InitErrorCodes.APPLY_FAILED, `could not install the interception rules${hint}:\n  ${failures.join('\n  ')}`);
}

/** Installs the rules with one backend; returns what went wrong, or undefined. */
function applyWith(backend: Backend, settings: InterceptionSettings): string | undefined {
  const current = save(backend);
  if (!current.ok) return current.message;
  const restored = run(`iptables-${backend}-restore`, ['--noflush'], restoreInput(settings, current.stdout));
  return restored.ok ? undefined : restored.message;
}
