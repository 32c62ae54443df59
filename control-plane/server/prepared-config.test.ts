import { describe, expect, it } from 'vitest';
import { configService } from '../../common/api/load.js';
import { decodePayload } from '../../common/api/payload.js';
import type { ConfigUpdateMessage } from '../../common/api/wire.js';
import { parseProxyConfig, toDocument, type ProxyConfig } from '../../common/config/index.js';
import { meshPod, meshSlice, meshState, proxyOf } from '../testing/mesh-objects.js';
import { TranslationCache } from '../translator/translation-cache.js';
import { translate } from '../translator/translate.js';
import { SharedServicesCache } from './shared-services.js';
import { prepareConfig } from './prepared-config.js';

const sentUpdate = (b: Buffer): ConfigUpdateMessage => Object.values(configService().service)[0]!.responseDeserialize(b) as ConfigUpdateMessage;
const documentOf = (s: ReturnType<typeof prepareConfig>): unknown => JSON.parse(decodePayload(s.payload));

describe('prepareConfig with a shared service table', () => {
  for (const [label, services, endpoints] of [['plain JSON', 3, 2], ['gzipped', 60, 5]] as const) {
    it(`sends, per proxy, exactly the document uncached translation gives (${label})`, () => {
      const { state, pods } = meshState(services, endpoints);
      const snapshot = state.current().snapshot;
      const shared = new SharedServicesCache();
      for (const pod of pods) {
        const config = translate(snapshot, proxyOf(pod));
        const built = prepareConfig(config, shared);
        expect(built.payload.configJsonGzip.length > 0).toBe(label === 'gzipped');
        expect(documentOf(built)).toEqual(JSON.parse(JSON.stringify(toDocument({ ...config, version: built.version }))));
        expect(parseProxyConfig(documentOf(built))).toEqual({ ...config, version: built.version });
        expect(built.jsonBytes).toBe(Buffer.byteLength(decodePayload(built.payload)));
        const sent = sentUpdate(built.encode('nonce-1', 1234));
        expect(sent).toMatchObject({ version: built.version, nonce: 'nonce-1', observedAtUnixMs: '1234' });
        expect(decodePayload(sent)).toBe(decodePayload(built.payload));
        expect(sent.configJson.length + sent.configJsonGzip.length).toBe(built.bytes);
      }
      expect(shared.encodes).toBe(1);
    });
  }

  it('versions by content: the same config gives the same version with a fresh cache, another proxy another version', () => {
    const { state, pods } = meshState(4, 2);
    const snapshot = state.current().snapshot;
    const [web1, web2] = pods.map((p) => translate(snapshot, proxyOf(p)));
    const v = prepareConfig(web1!).version;
    expect(prepareConfig(web1!, new SharedServicesCache()).version).toBe(v);
    expect(prepareConfig(translate(state.current().snapshot, proxyOf(pods[0]!))).version).toBe(v);
    expect(prepareConfig(web2!).version).not.toBe(v);
  });

  it('a pod change re-versions only that proxy and re-uses the encoded table; an endpoint change re-versions every proxy once', () => {
    const { state, pods } = meshState(30, 3);
    const shared = new SharedServicesCache();
    const translations = new TranslationCache();
    const versions = () => pods.map((p) => prepareConfig(translations.translate(state.current().snapshot, proxyOf(p)), shared).version);
    const v0 = versions();
    state.onEvent('Pod', 'MODIFIED', meshPod('api-1', 'default', { app: 'web' }));
    const v1 = versions();
    expect(v1.slice(0, 2)).toEqual(v0.slice(0, 2));
    expect(v1[2]).not.toBe(v0[2]);
    expect(shared.encodes).toBe(1);
    state.onEvent('EndpointSlice', 'MODIFIED', meshSlice('svc-7', 'default', ['10.1.7.1', '10.1.7.2', '10.1.7.3'], ['10.1.7.2']));
    const v2 = versions();
    v2.forEach((v, i) => expect(v).not.toBe(v1[i]));
    expect(shared.encodes).toBe(2);
  });

  it('keeps a bounded number of tables across snapshot versions', () => {
    const { state, pods } = meshState(3, 2);
    const shared = new SharedServicesCache(2);
    for (let k = 0; k < 10; k++) {
      state.onEvent('EndpointSlice', 'MODIFIED', meshSlice('svc-0', 'default', [`10.9.0.${k + 1}`]));
      prepareConfig(translate(state.current().snapshot, proxyOf(pods[0]!)), shared);
      expect(shared.size).toBeLessThanOrEqual(2);
    }
    expect(shared.encodes).toBe(10);
  });

  it('still refuses to publish what the sidecar would refuse, in the shared table and in the proxy part', () => {
    const { state, pods } = meshState(2, 1);
    const config = translate(state.current().snapshot, proxyOf(pods[0]!));
    const twice: ProxyConfig = { ...config, services: [config.services[0]!, config.services[0]!] };
    expect(() => prepareConfig(twice)).toThrow(/defined twice/);
    const badInbound: ProxyConfig = { ...config, inbound: [{ port: 70000, appAddress: '127.0.0.1', appPort: 1, protocol: 'http' }] };
    expect(() => prepareConfig(badInbound)).toThrow(/inbound\[0\]/);
  });
});
