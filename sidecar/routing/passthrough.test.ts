import { describe, expect, it } from 'vitest';
import { decidePassthrough, type PassthroughInput } from './passthrough.js';

const base: PassthroughInput = { policy: 'allow-any', original: { address: '10.0.0.7', port: 8080 }, absoluteForm: false, authority: 'evil.example:80', isOwnListener: (a, p) => a === '127.0.0.1' && p === 15001 };

describe('decidePassthrough', () => {
  it('allow-any with an original destination: to that destination, whatever the request named', () => {
    const d = decidePassthrough(base);
    expect(d).toMatchObject({ outcome: 'forwarded', endpoint: { address: '10.0.0.7', port: 8080 } });
  });

  it('an IPv4-mapped original destination is sent to as IPv4', () => {
    const d = decidePassthrough({ ...base, original: { address: '::ffff:10.0.0.7', port: 8080 } });
    expect(d).toMatchObject({ outcome: 'forwarded', endpoint: { address: '10.0.0.7' } });
  });

  it.each<[string, Partial<PassthroughInput>, string, string, number]>([
    ['registry-only', { policy: 'registry-only' }, 'refused_registry_only', 'WEFT_UNKNOWN_DESTINATION', 403],
    ['no original destination', { original: undefined }, 'refused_no_original_destination', 'WEFT_UNKNOWN_DESTINATION', 403],
    ['absolute form', { absoluteForm: true }, 'refused_absolute_form', 'WEFT_UNKNOWN_DESTINATION', 403],
    ['own listener', { original: { address: '127.0.0.1', port: 15001 } }, 'refused_loop', 'WEFT_LOOP_DETECTED', 508],
  ])('%s: refused', (_name, change, outcome, code, status) => {
    const d = decidePassthrough({ ...base, ...change });
    expect(d.outcome).toBe(outcome);
    if (d.outcome === 'forwarded') throw new Error('forwarded');
    expect(d.error).toMatchObject({ code, status });
    expect(d.error.message).toContain('evil.example:80');
  });
});
