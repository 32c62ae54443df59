/** Every data-plane scenario, in the order they are run and reported. */
import type { Scenario } from '../lib/scenario.js';
import { cores, http2Cores } from './cores.js';
import { direct } from './direct.js';
import { peers } from './peers.js';
import { weft } from './weft.js';

export const ALL_SCENARIOS: Scenario[] = [direct, ...weft, ...peers, ...cores, ...http2Cores];
