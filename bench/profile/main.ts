/**
 * Summarise a CPU profile from `node --cpu-prof`: top functions by self time, and weft's own
 * functions by total time. `node dist/bench/profile/main.js <file.cpuprofile> [limit]`
 */
import { readFileSync } from 'node:fs';
import { sourceMapped, topFrames, weftTotals, type CpuProfile, type Frame } from './top-frames.js';

const [file, limitArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node dist/bench/profile/main.js <file.cpuprofile> [limit]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const limit = Number(limitArg ?? 20);
const show = (title: string, frames: Frame[]): void => {
  console.log(title);
  for (const f of frames) console.log(`${f.selfPercent.toFixed(1).padStart(6)}%  ${f.name}  ${f.location}`);
};
const sourceOf = sourceMapped();
show('self time (share of busy time)', topFrames(profile, limit, sourceOf));
show("\nweft's own functions, total time", weftTotals(profile, limit, sourceOf));
