import { describe, expect, it } from 'vitest';
import { parseInjectorSettings } from './settings-file.js';
import { defaultInjectorSettings } from './settings.js';

describe('parseInjectorSettings', () => {
  it('keeps the defaults for what is left out', () => {
    expect(parseInjectorSettings({})).toEqual(defaultInjectorSettings);
  });

  it('takes every field, and limits given replace the default limits as a whole', () => {
    const s = parseInjectorSettings({
      image: 'registry.example/weft/sidecar:1.2.3',
      imagePullPolicy: 'Always',
      controlPlaneAddress: 'cp.mesh.svc:15010',
      controlPlaneNamespace: 'mesh',
      tokenAudience: 'mesh.example/identity',
      tokenExpirationSeconds: 7200,
      logLevel: 'warn',
      resources: { requests: { cpu: '100m' }, limits: { cpu: 1 } },
      iptables: 'nft',
    });
    expect(s).toMatchObject({ image: 'registry.example/weft/sidecar:1.2.3', imagePullPolicy: 'Always', controlPlaneNamespace: 'mesh', iptables: 'nft', tokenExpirationSeconds: 7200 });
    expect(s.resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '1', memory: undefined } });
  });

  it.each([
    [{ imag: 'x' }, /^imag: unknown field/],
    [{ resources: { requests: { cpus: '1' } } }, /^resources.requests.cpus: unknown field/],
    [{ resources: { limits: { memory: true } } }, /^resources.limits.memory: true is not a resource quantity/],
    [{ resources: { limits: { cpu: -1 } } }, /^resources.limits.cpu: -1 is not a resource quantity/],
    [{ imagePullPolicy: 'Sometimes' }, /^imagePullPolicy: "Sometimes" is not one of Always/],
    [{ tokenExpirationSeconds: 60 }, /^tokenExpirationSeconds: must be an integer of at least 600/],
    [{ iptables: 'auto' }, /^iptables: "auto" is not one of legacy, nft/],
    [{ resources: { requests: { memory: '512Mi' } } }, /^resources.requests.memory: 512Mi is above the limit 256Mi \(resources.limits.memory\)/],
    [{ resources: { requests: { cpu: '2' }, limits: { cpu: '500m' } } }, /^resources.requests.cpu: 2 is above the limit 500m/],
    [[], /must be an object/],
  ])('refuses %j', (doc, message) => {
    expect(() => parseInjectorSettings(doc)).toThrow(message);
  });
});
