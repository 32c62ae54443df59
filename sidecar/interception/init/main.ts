#!/usr/bin/env node
/**
 * `weft-init`: the pod's interception init container. Redirects the pod's TCP to the sidecar
 * (outbound -> WEFT_OUTBOUND_PORT, inbound -> WEFT_INBOUND_PORT) with iptables in the pod's network
 * namespace; exits 0 once the rules are in place (also when they already were), non-zero with a
 * message otherwise. Settings: environment only (settings.ts; docs/interception.md).
 */
import { applyInterception } from './apply.js';
import { InitError } from './errors.js';
import { settingsFromEnv } from './settings.js';

function main(): number {
  if (process.argv.length > 2) {
    console.error('usage: weft-init (no arguments; settings come from WEFT_* environment variables, see docs/interception.md)');
    return 2;
  }
  try {
    const settings = settingsFromEnv(process.env);
    const result = applyInterception(settings);
    console.log(
      `weft-init: rules installed with iptables-${result.backend} (${result.reason}): ` +
        `outbound TCP -> ${settings.outboundPort}, inbound TCP -> ${settings.inboundPort}, UID ${settings.proxyUid} exempt, ` +
        `inbound ports exempt: ${settings.inboundExcludePorts.join(',')}, outbound ports exempt: ${settings.outboundExcludePorts.join(',') || 'none'}`,
    );
    return 0;
  } catch (err) {
    if (err instanceof InitError) {
      console.error(`weft-init: ${err.code}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

process.exitCode = main();
