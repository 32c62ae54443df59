/**
 * Where weft misses a target, run its scenario again under `node --cpu-prof` with the load that
 * showed the miss, and keep the top frames in the results so the next step is clear.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.js';
import { measure } from '../lib/measure.js';
import { stop } from '../lib/processes.js';
import type { BenchResults, ProfileSummary } from '../lib/results.js';
import { evaluateTargets } from '../report/targets.js';
import { ALL_SCENARIOS } from '../scenarios/index.js';
import { sourceMapped, topFrames, weftTotals, type CpuProfile } from './top-frames.js';

export async function profileWhereMissed(results: BenchResults, ctx: BenchContext, log: (line: string) => void): Promise<ProfileSummary[]> {
  const missed = evaluateTargets(results).filter((t) => t.met === false && t.scenario);
  const byScenario = new Map<string, string[]>();
  for (const t of missed) byScenario.set(t.scenario as string, [...(byScenario.get(t.scenario as string) ?? []), t.id]);
  const out: ProfileSummary[] = [];
  const sourceOf = sourceMapped();
  for (const [name, ids] of byScenario) {
    const scenario = ALL_SCENARIOS.find((s) => s.name === name);
    if (!scenario) continue;
    const profDir = join(ctx.dir, 'profiles', name);
    const throughputBound = ids.some((id) => id === 'one-core-rps' || id === 'half-of-nginx');
    log(`profiling ${name} (missed ${ids.join(', ')}) under ${throughputBound ? 'maximum' : '1000 rps'} load`);
    mkdirSync(profDir, { recursive: true });
    const running = await scenario.start({ ...ctx, dir: profDir, cpuProfile: true });
    const target = throughputBound && running.throughput ? running.throughput.http : running.http;
    if (!target) continue;
    await measure({
      scenario: name,
      kind: throughputBound ? 'throughput' : 'latency',
      round: 1,
      proxies: running.proxies,
      loadCpu: ctx.loadCpu,
      logFile: join(ctx.dir, 'fortio.log'),
      spec: { qps: throughputBound ? 0 : 1000, connections: throughputBound ? 64 : 16, durationSec: 10, kind: 'http', target: target.url, headers: target.headers, jsonOut: join(ctx.dir, `profile-${name}.json`) },
    });
    // The proxies write their profiles as they exit.
    await Promise.all(running.proxies.map((p) => stop(p, 10_000)));
    const dir = join(profDir, 'profiles');
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')) : [];
    for (const f of files) {
      const profile = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile;
      out.push({ scenario: name, reason: `missed ${ids.join(', ')}`, file: join(dir, f), topFrames: topFrames(profile, 15, sourceOf), weftFrames: weftTotals(profile, 15, sourceOf) });
    }
    if (files.length === 0) log(`  no profile written by ${name} (did it exit cleanly on SIGTERM?)`);
  }
  return out;
}
